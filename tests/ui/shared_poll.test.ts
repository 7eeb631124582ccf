import assert from "node:assert/strict";
import type { TaskState } from "../../lib/domain/task_state.ts";
import type { Connection } from "../../lib/ui/connection.ts";
import type { LiveEvent } from "../../lib/ui/live_state.ts";
import { TASK_PEER_PARSERS, type TaskSync } from "../../lib/ui/peer_data.ts";
import {
  joinSharedPoll,
  type LockManagerLike,
  parsePeerMessage,
  type PeerMessage,
  reactTo,
  type SharedPoll,
} from "../../lib/ui/shared_poll.ts";
import { BEAT_MS, FIRST_LISTEN_MS } from "../../lib/ui/election.ts";
import { waitFor } from "../support/server.ts";

const TASK: TaskState = {
  status: "En cours",
  version: 3,
  epoch: "e1",
  updatedAt: "2024-06-01T12:00:00.000Z",
};

type Message = PeerMessage<LiveEvent, TaskSync>;

function sync(connection: Connection): TaskSync {
  return { task: TASK, history: [], connection };
}

function parse(data: unknown): Message | undefined {
  return parsePeerMessage(data, TASK_PEER_PARSERS);
}

Deno.test("leaders answer questions, followers take news", async (t) => {
  const event: LiveEvent = { type: "connected" };
  const live: Connection = { kind: "live" };
  await t.step("a leader answers hello with what it knows", () => {
    assert.deepEqual(reactTo("leader", { type: "hello" }), { do: "send-sync" });
  });
  await t.step("a leader cuts its backoff short when another tab asks", () => {
    assert.deepEqual(reactTo("leader", { type: "wake" }), { do: "retry-now" });
  });
  await t.step("a leader ignores events and syncs (only it sends them)", () => {
    assert.deepEqual(reactTo("leader", { type: "event", event }), {
      do: "nothing",
    });
    assert.deepEqual(reactTo("leader", { type: "sync", sync: sync(live) }), {
      do: "nothing",
    });
  });
  await t.step("a follower applies events and adopts syncs", () => {
    assert.deepEqual(reactTo("follower", { type: "event", event }), {
      do: "apply",
      event,
    });
    assert.deepEqual(reactTo("follower", { type: "sync", sync: sync(live) }), {
      do: "adopt",
      sync: sync(live),
    });
  });
  await t.step(
    "a follower ignores hello and wake (the leader answers them)",
    () => {
      assert.deepEqual(reactTo("follower", { type: "hello" }), {
        do: "nothing",
      });
      assert.deepEqual(reactTo("follower", { type: "wake" }), {
        do: "nothing",
      });
    },
  );
});

Deno.test("messages from other tabs are checked before use", async (t) => {
  await t.step("well-formed messages pass", () => {
    const change = {
      version: 3,
      status: "En cours",
      at: TASK.updatedAt,
      source: "cli",
      actor: "alice",
    } as const;
    const messages: Message[] = [
      { type: "hello" },
      { type: "wake" },
      { type: "event", event: { type: "change", change, state: TASK } },
      {
        type: "event",
        event: {
          type: "reconnecting",
          attempt: 2,
          failedAt: 8,
          retryAt: 9,
          reason: "x",
          unreachable: true,
        },
      },
      {
        type: "sync",
        sync: { task: TASK, history: [change], connection: { kind: "live" } },
      },
    ];
    for (const message of messages) {
      assert.deepEqual(parse(message), message);
    }
  });
  await t.step("anything else is dropped", () => {
    const junk: unknown[] = [
      null,
      "hello",
      { type: "shout" },
      {
        type: "event",
        event: {
          type: "change",
          change: { version: 3, status: "Fini", at: "x", source: "api" },
          state: TASK,
        },
      },
      {
        type: "event",
        event: {
          type: "change",
          change: { version: 3, status: "En cours", at: "x", source: "fax" },
          state: TASK,
        },
      },
      {
        type: "event",
        event: { type: "snapshot", state: { ...TASK, version: "3" } },
      },
      { type: "event", event: { type: "reconnecting", attempt: 1 } },
      { type: "sync", sync: sync({ kind: "asleep" } as unknown as Connection) },
      { type: "sync", sync: { task: TASK, connection: { kind: "live" } } },
    ];
    for (const data of junk) assert.equal(parse(data), undefined);
  });
});

/** An in-memory Web Locks: one holder per name, a FIFO queue, aborts leave the queue. */
class FakeLocks implements LockManagerLike {
  #held = new Set<string>();
  #queue: { name: string; grant: () => void }[] = [];

  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: () => Promise<void>,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const entry = {
        name,
        grant: () => {
          options.signal?.removeEventListener("abort", onAbort);
          this.#held.add(name);
          callback().finally(() => {
            this.#held.delete(name);
            this.#next(name);
          }).then(resolve, reject);
        },
      };
      const onAbort = () => {
        this.#queue = this.#queue.filter((e) => e !== entry);
        reject(new DOMException("aborted", "AbortError"));
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(entry);
      this.#next(name);
    });
  }

  #next(name: string) {
    if (this.#held.has(name)) return;
    const index = this.#queue.findIndex((e) => e.name === name);
    if (index >= 0) this.#queue.splice(index, 1)[0].grant();
  }
}

interface Tab {
  poll: SharedPoll;
  stop: AbortController;
  applied: LiveEvent[];
  adopted: TaskSync[];
  leads: boolean[];
  retries: number;
  publish?: (event: LiveEvent) => void;
}

function openTab(name: string, locks: LockManagerLike | undefined): Tab {
  const stop = new AbortController();
  const tab = {
    stop,
    applied: [],
    adopted: [],
    leads: [],
    retries: 0,
  } as unknown as Tab;
  tab.poll = joinSharedPoll(
    name,
    {
      lead(_signal, publish, resume) {
        tab.leads.push(resume);
        tab.publish = publish;
        return { retryNow: () => tab.retries++ };
      },
      apply: (event) => tab.applied.push(event),
      adopt: (told) => tab.adopted.push(told),
      current: () => sync({ kind: "live" }),
      parsers: TASK_PEER_PARSERS,
    },
    stop.signal,
    locks,
  );
  return tab;
}

Deno.test("tabs share one poll and hand it on when the leader closes", async () => {
  const name = `test-${crypto.randomUUID()}`;
  const locks = new FakeLocks();
  const a = openTab(name, locks);
  await waitFor(() => a.poll.role() === "leader", 2_000, "first tab leads");
  const b = openTab(name, locks);
  const c = openTab(name, locks);
  try {
    assert.deepEqual(a.leads, [false], "the first tab starts fresh");

    await waitFor(
      () => b.adopted.length > 0 && c.adopted.length > 0,
      2_000,
      "sync",
    );
    assert.deepEqual(b.adopted[0], sync({ kind: "live" }));
    assert.equal(b.poll.role(), "follower");
    assert.deepEqual(b.leads, [], "followers do not poll");

    const event: LiveEvent = {
      type: "change",
      change: {
        version: 4,
        status: "En cours",
        at: TASK.updatedAt,
        source: "page",
      },
      state: { ...TASK, version: 4 },
    };
    a.publish?.(event);
    assert.deepEqual(
      a.applied,
      [event],
      "the leader shows its own events at once",
    );
    await waitFor(
      () => b.applied.length > 0 && c.applied.length > 0,
      2_000,
      "broadcast",
    );
    assert.deepEqual(b.applied, [event]);

    b.poll.wake();
    await waitFor(() => a.retries === 1, 2_000, "wake reaches the leader");

    a.stop.abort();
    await waitFor(
      () => b.leads.length + c.leads.length === 1,
      2_000,
      "takeover",
    );
    const next = b.leads.length === 1 ? b : c;
    assert.deepEqual(
      next.leads,
      [true],
      "the new leader resumes from what it was told",
    );
  } finally {
    a.stop.abort();
    b.stop.abort();
    c.stop.abort();
  }
});

Deno.test("without Web Locks the tabs elect a leader by beats", async () => {
  const name = `test-${crypto.randomUUID()}`;
  const a = openTab(name, undefined);
  let b: Tab | undefined;
  try {
    await waitFor(() => a.poll.role() === "leader", 2_000, "a lone tab leads");
    assert.deepEqual(a.leads, [false]);
    b = openTab(name, undefined);
    await waitFor(() => (b?.adopted.length ?? 0) > 0, 2_000, "sync");
    // Past its first listening time, the new tab still follows: it heard beats.
    await new Promise((resolve) =>
      setTimeout(resolve, FIRST_LISTEN_MS + BEAT_MS)
    );
    assert.equal(b.poll.role(), "follower");
    assert.deepEqual(b.leads, []);

    a.stop.abort();
    await waitFor(() => b?.poll.role() === "leader", 1_000, "takeover on bye");
    assert.deepEqual(b.leads, [true]);
  } finally {
    a.stop.abort();
    b?.stop.abort();
  }
});
