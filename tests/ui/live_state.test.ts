import assert from "node:assert/strict";
import type { WatchEvent } from "../../lib/client/events.ts";
import { PollStalledError } from "../../lib/client/errors.ts";
import type { Change, TaskState } from "../../lib/domain/task_state.ts";
import type { Status } from "../../lib/domain/statuses.ts";
import {
  initialLiveState,
  JOURNAL_CAP,
  journalText,
  type LiveEvent,
  liveReducer,
  type LiveState,
  toLiveEvent,
} from "../../lib/ui/live_state.ts";

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);

function task(status: Status, version: number, epoch = "e1"): TaskState {
  return {
    status,
    version,
    epoch,
    updatedAt: new Date(T0 + version * 1000).toISOString(),
  };
}

function change(
  status: Status,
  version: number,
  source: Change["source"] = "api",
): Change {
  return { version, status, at: task(status, version).updatedAt, source };
}

function changed(status: Status, version: number, epoch = "e1"): LiveEvent {
  return {
    type: "change",
    change: change(status, version),
    state: task(status, version, epoch),
  };
}

function run(start: LiveState, ...events: LiveEvent[]): LiveState {
  return events.reduce(
    (state, event, i) =>
      liveReducer(state, { type: "event", event, at: T0 + i }),
    start,
  );
}

const lost: LiveEvent = {
  type: "reconnecting",
  attempt: 1,
  failedAt: T0 + 50,
  retryAt: T0 + 550,
  reason: "serveur injoignable",
  unreachable: true,
};

Deno.test("a rendered page starts connecting with the history it was rendered with", () => {
  const history = [change("En cours", 1), change("Terminée", 2)];
  const state = initialLiveState(task("Terminée", 2), history);
  assert.deepEqual(state.connection, { kind: "connecting" });
  assert.equal(state.history, history);
  assert.deepEqual(state.journal, []);
  assert.equal(state.cutSince, undefined);
});

Deno.test("changes join the history in order, one each, with their source", () => {
  const state = run(
    initialLiveState(task("En attente", 0)),
    {
      type: "change",
      change: change("En cours", 1, "cli"),
      state: task("En cours", 1),
    },
    changed("Terminée", 2),
  );
  assert.equal(state.task.status, "Terminée");
  assert.deepEqual(
    state.history.map((c) => [c.version, c.status, c.source]),
    [[1, "En cours", "cli"], [2, "Terminée", "api"]],
  );
  // Changes are not connection events.
  assert.deepEqual(state.journal, []);
});

Deno.test("a change already shown (another tab's echo) changes nothing", () => {
  const start = run(
    initialLiveState(task("En attente", 0)),
    changed("En cours", 1),
  );
  assert.equal(run(start, changed("En cours", 1)), start);
});

Deno.test("a newer snapshot moves the status on; its change lines may follow later", () => {
  const ahead = run(initialLiveState(task("En attente", 0)), {
    type: "snapshot",
    state: task("Échec", 2),
  });
  assert.equal(ahead.task.status, "Échec");
  assert.deepEqual(ahead.history, []);
  // The poll's change events, arriving after, still fill the history in.
  const filled = run(ahead, changed("En cours", 1), changed("Échec", 2));
  assert.deepEqual(filled.history.map((c) => c.version), [1, 2]);
  assert.equal(filled.task.version, 2);
});

Deno.test("a reset (or a state of another epoch) starts the history over and is journaled", () => {
  const start = run(
    initialLiveState(task("En cours", 1), [change("En cours", 1)]),
  );
  for (
    const event of [
      { type: "reset", state: task("En attente", 0, "e2") },
      { type: "snapshot", state: task("En attente", 0, "e2") },
    ] as LiveEvent[]
  ) {
    const state = run(start, event);
    assert.deepEqual(state.task, task("En attente", 0, "e2"));
    assert.deepEqual(state.history, []);
    assert.deepEqual(state.journal.map((e) => journalText(e)), [
      "Le serveur a repris à zéro : statut « En attente »",
    ]);
  }
});

Deno.test("cut off: the page knows since when, and is in touch again once connected", async (t) => {
  const live = run(initialLiveState(task("En cours", 1)), {
    type: "connected",
  });
  assert.equal(live.cutSince, undefined);
  const cut = run(live, lost, { ...lost, attempt: 2, failedAt: T0 + 900 });
  await t.step("since the first failure, journaled once", () => {
    assert.equal(cut.cutSince, T0 + 50);
    assert.equal(cut.connection.kind, "reconnecting");
    assert.deepEqual(cut.journal.map((e) => e.kind), ["lost"]);
    assert.equal(
      journalText(cut.journal[0]),
      "Connexion perdue : serveur injoignable",
    );
  });
  await t.step("back: no longer cut off, restored journaled", () => {
    const back = run(cut, { type: "connected" });
    assert.equal(back.cutSince, undefined);
    assert.deepEqual(back.journal.map((e) => e.kind), ["restored", "lost"]);
  });
});

Deno.test("offline cuts the page off too, until the poll is live again", () => {
  const live = run(initialLiveState(task("En cours", 1)), {
    type: "connected",
  });
  const offline = liveReducer(live, {
    type: "network",
    online: false,
    at: T0 + 7,
  });
  assert.equal(offline.cutSince, T0 + 7);
  assert.equal(
    liveReducer(offline, { type: "network", online: false, at: T0 + 8 }),
    offline,
  );
  // Back online with the poll still live: in touch again.
  const online = liveReducer(offline, {
    type: "network",
    online: true,
    at: T0 + 9,
  });
  assert.equal(online.cutSince, undefined);
  assert.deepEqual(online.journal.map((e) => e.kind), ["online", "offline"]);
  // Back online while the poll still fails: still cut off.
  const failing = run(offline, lost);
  assert.equal(
    liveReducer(failing, { type: "network", online: true, at: T0 + 9 })
      .cutSince,
    T0 + 7,
  );
});

Deno.test("the journal keeps its last lines only", () => {
  let state = initialLiveState(task("En cours", 1));
  for (let i = 0; i < JOURNAL_CAP + 5; i++) {
    state = liveReducer(state, { type: "network", online: i % 2 === 1, at: i });
  }
  assert.equal(state.journal.length, JOURNAL_CAP);
});

Deno.test("what another tab knows is taken without a journal line", () => {
  const start = initialLiveState(task("En attente", 0));
  const told = liveReducer(start, {
    type: "adopt",
    task: task("En cours", 1),
    history: [change("En cours", 1)],
    connection: { kind: "live" },
  });
  assert.equal(told.task.version, 1);
  assert.deepEqual(told.history.map((c) => c.version), [1]);
  assert.deepEqual(told.connection, { kind: "live" });
  assert.deepEqual(told.journal, []);
  const cut = liveReducer(start, {
    type: "adopt",
    task: task("En attente", 0),
    history: [],
    connection: {
      kind: "reconnecting",
      attempt: 3,
      failedAt: T0 + 40,
      retryAt: T0 + 900,
      reason: "serveur injoignable",
      unreachable: true,
    },
  });
  assert.equal(cut.cutSince, T0 + 40);
});

Deno.test("toLiveEvent makes the client's events plain data", async (t) => {
  const now = 5_000;
  await t.step(
    "reconnecting: absolute times, the reason in words, whether anything answered",
    () => {
      const event: WatchEvent = {
        type: "reconnecting",
        attempt: 2,
        delayMs: 750,
        error: new PollStalledError(30_000),
      };
      assert.deepEqual(toLiveEvent(event, now), {
        type: "reconnecting",
        attempt: 2,
        failedAt: 5_000,
        retryAt: 5_750,
        reason: "le serveur ne répond plus",
        unreachable: true,
      });
    },
  );
  await t.step(
    "a change keeps its source and actor (api when the server said none)",
    () => {
      const state = task("Terminée", 3);
      const base = {
        type: "change",
        from: "En cours",
        to: "Terminée",
        version: 3,
        at: state.updatedAt,
        state,
      } as const;
      assert.deepEqual(
        toLiveEvent({ ...base, source: "cli", actor: "alice" }, now),
        {
          type: "change",
          change: {
            version: 3,
            status: "Terminée",
            at: state.updatedAt,
            source: "cli",
            actor: "alice",
          },
          state,
        },
      );
      const live = toLiveEvent(base, now);
      assert.equal(live?.type === "change" && live.change.source, "api");
    },
  );
  await t.step("a hole needs no event: the history shows it", () => {
    assert.equal(
      toLiveEvent({ type: "truncated", afterVersion: 1, missed: 2 }, now),
      undefined,
    );
  });
  await t.step("the result crosses a structured clone unchanged", () => {
    const event = toLiveEvent(
      {
        type: "reconnecting",
        attempt: 1,
        delayMs: 10,
        error: new TypeError("x"),
      },
      now,
    );
    assert.deepEqual(structuredClone(event), event);
  });
});
