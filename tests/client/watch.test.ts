/** The watch loop against scripted answers: timing rules that a real server cannot provoke at will. */
import assert from "node:assert/strict";
import { StatusApiError } from "../../lib/client/errors.ts";
import type { WatchEvent } from "../../lib/client/events.ts";
import type { FetchLike } from "../../lib/client/http.ts";
import { watch } from "../../lib/client/watch.ts";
import type { TaskState } from "../../lib/domain/task_state.ts";

const BASE = "http://127.0.0.1:9";

function state(version: number, epoch = "e1"): TaskState {
  return {
    status: version % 2 ? "En cours" : "En attente",
    version,
    epoch,
    updatedAt: new Date(version * 1000).toISOString(),
  };
}

function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
) {
  return new Response(JSON.stringify(body), { status, headers });
}

/** A fetch that answers from `answer(n, url)`, recording each call. */
function scripted(
  answer: (n: number, url: URL, signal: AbortSignal) => Promise<Response>,
) {
  const calls: { at: number; url: URL; signal: AbortSignal }[] = [];
  const fetch: FetchLike = async (input, init) => {
    const call = { at: Date.now(), url: new URL(input), signal: init.signal! };
    calls.push(call);
    // Answer from a later task, as a network would: a client that spins then
    // spins visibly instead of starving the timers that end the test.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return answer(calls.length, call.url, call.signal);
  };
  return { fetch, calls };
}

/** A response that never comes unless the request is aborted. */
function hang(signal: AbortSignal): Promise<Response> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), {
      once: true,
    });
  });
}

/** Collects events until `until` says stop (then aborts) or the iteration ends. */
async function collect(
  iterable: AsyncIterable<WatchEvent>,
  controller: AbortController,
  until: (events: WatchEvent[]) => boolean,
): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const event of iterable) {
    events.push(event);
    if (until(events)) controller.abort();
  }
  return events;
}

/** Runs the watch for `ms` of wall time, then aborts it. */
async function runFor(
  ms: number,
  make: (signal: AbortSignal) => AsyncIterable<WatchEvent>,
): Promise<WatchEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const events: WatchEvent[] = [];
    for await (const event of make(controller.signal)) events.push(event);
    return events;
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("watch loop timing", async (t) => {
  await t.step(
    "re-polls at once after every answer that brings news",
    async () => {
      const { fetch, calls } = scripted((n) => Promise.resolve(json(state(n))));
      const controller = new AbortController();
      const started = Date.now();
      const events = await collect(
        watch(BASE, { fetch, signal: controller.signal }),
        controller,
        (e) => e.filter((x) => x.type === "change").length === 20,
      );
      assert.ok(Date.now() - started < 400, `took ${Date.now() - started} ms`);
      assert.equal(calls.length, 21);
      assert.equal(calls[0].url.searchParams.get("last_version"), null);
      assert.equal(calls[1].url.searchParams.get("last_version"), "1");
      assert.equal(calls[1].url.searchParams.get("epoch"), "e1");
      assert.deepEqual(
        events.filter((e) => e.type === "change").map((e) =>
          e.type === "change" && e.version
        ),
        Array.from({ length: 20 }, (_, i) => i + 2),
      );
    },
  );

  await t.step("never spins when every answer is a reset", async () => {
    const { fetch, calls } = scripted((n) =>
      Promise.resolve(json({ ...state(0, `e${n}`) }))
    );
    const events = await runFor(
      1200,
      (signal) => watch(BASE, { fetch, signal }),
    );
    // Starts at about 0, 0 (after the first snapshot), 500 and 1000 ms.
    assert.ok(
      calls.length >= 2 && calls.length <= 4,
      `${calls.length} requests`,
    );
    assert.ok(events.some((e) => e.type === "reset"));
    for (let i = 2; i < calls.length; i++) {
      assert.ok(
        calls[i].at - calls[i - 1].at >= 490,
        "requests at least 0.5 s apart",
      );
    }
  });

  await t.step(
    "never spins when the server answers a timeout at once",
    async () => {
      const { fetch, calls } = scripted(() =>
        Promise.resolve(json({ ...state(1), timeout: true }))
      );
      await runFor(1200, (signal) => watch(BASE, { fetch, signal }));
      assert.ok(calls.length <= 4, `${calls.length} requests`);
    },
  );

  await t.step(
    "never spins on instant network errors even with zero jitter",
    async () => {
      const { fetch, calls } = scripted(() =>
        Promise.reject(new TypeError("connection refused"))
      );
      const events = await runFor(
        1200,
        (signal) => watch(BASE, { fetch, signal, random: () => 0 }),
      );
      assert.ok(calls.length <= 3, `${calls.length} requests`);
      const reconnecting = events.filter((e) => e.type === "reconnecting");
      assert.deepEqual(
        reconnecting.map((e) => e.type === "reconnecting" && e.attempt),
        reconnecting.map((_, i) => i + 1),
      );
    },
  );

  await t.step("backs off with growing ceilings on 5xx", async () => {
    const { fetch } = scripted(() =>
      Promise.resolve(json({ error: "down" }, 502))
    );
    const controller = new AbortController();
    const events = await collect(
      watch(BASE, { fetch, signal: controller.signal, random: () => 0.999 }),
      controller,
      (e) => e.length === 1,
    );
    assert.equal(events[0].type, "reconnecting");
    const first = events[0] as Extract<WatchEvent, { type: "reconnecting" }>;
    assert.equal(first.attempt, 1);
    assert.ok(
      first.delayMs >= 490 && first.delayMs < 500,
      String(first.delayMs),
    );
    assert.ok(first.error instanceof StatusApiError);
    assert.equal((first.error as StatusApiError).status, 502);
    assert.equal(first.error.message, "down");
  });

  await t.step("honours Retry-After on 503", async () => {
    const { fetch, calls } = scripted((n) =>
      Promise.resolve(
        n === 1
          ? json({ error: "too many waiters" }, 503, { "retry-after": "1" })
          : json(state(1)),
      )
    );
    const controller = new AbortController();
    const events = await collect(
      watch(BASE, { fetch, signal: controller.signal, random: () => 0 }),
      controller,
      (e) => e.some((x) => x.type === "snapshot"),
    );
    assert.deepEqual(events.map((e) => e.type), [
      "reconnecting",
      "connected",
      "snapshot",
    ]);
    assert.equal(events[0].type === "reconnecting" && events[0].delayMs, 1000);
    assert.ok(
      calls[1].at - calls[0].at >= 990,
      `${calls[1].at - calls[0].at} ms`,
    );
  });

  await t.step("retryNow cuts a long backoff short", async () => {
    const { fetch, calls } = scripted((n) =>
      Promise.resolve(
        n === 1
          ? json({ error: "busy" }, 503, { "retry-after": "60" })
          : json(state(1)),
      )
    );
    const controller = new AbortController();
    const watcher = watch(BASE, { fetch, signal: controller.signal });
    const events: WatchEvent[] = [];
    for await (const event of watcher) {
      events.push(event);
      if (event.type === "reconnecting") {
        assert.ok(event.delayMs >= 60_000);
        queueMicrotask(() => watcher.retryNow());
      }
      if (event.type === "snapshot") controller.abort();
    }
    assert.equal(calls.length, 2);
    assert.ok(
      calls[1].at - calls[0].at < 1000,
      `${calls[1].at - calls[0].at} ms`,
    );
  });

  await t.step(
    "the watchdog drops a poll that outlives its hold time",
    async () => {
      const { fetch, calls } = scripted((n, _url, signal) =>
        n === 1
          ? Promise.resolve(json(state(1)))
          : n === 2
          ? hang(signal)
          : Promise.resolve(json(state(2)))
      );
      const controller = new AbortController();
      const events = await collect(
        watch(BASE, {
          fetch,
          signal: controller.signal,
          watchdogMs: 300,
          random: () => 0,
        }),
        controller,
        (e) => e.some((x) => x.type === "change"),
      );
      assert.deepEqual(events.map((e) => e.type), [
        "connected",
        "snapshot",
        "reconnecting",
        "connected",
        "change",
      ]);
      const dropped = events[2] as Extract<
        WatchEvent,
        { type: "reconnecting" }
      >;
      assert.equal(dropped.error.name, "PollStalledError");
      assert.ok(calls[1].signal.aborted);
      assert.ok(calls[2].at - calls[1].at >= 290);
    },
  );
});

Deno.test("watch loop ending", async (t) => {
  await t.step(
    "aborting during a held poll ends the iteration and cancels the request",
    async () => {
      const { fetch, calls } = scripted((n, _url, signal) =>
        n === 1 ? Promise.resolve(json(state(1))) : hang(signal)
      );
      const controller = new AbortController();
      const events: WatchEvent[] = [];
      const done = (async () => {
        for await (
          const event of watch(BASE, { fetch, signal: controller.signal })
        ) events.push(event);
      })();
      while (calls.length < 2) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      await done;
      assert.equal(calls[1].signal.aborted, true);
      assert.deepEqual(events.map((e) => e.type), ["connected", "snapshot"]);
    },
  );

  await t.step("aborting during a backoff ends at once", async () => {
    const { fetch } = scripted(() =>
      Promise.resolve(json({ error: "x" }, 503, { "retry-after": "60" }))
    );
    const controller = new AbortController();
    const started = Date.now();
    const events = await collect(
      watch(BASE, { fetch, signal: controller.signal }),
      controller,
      (e) => e.length === 1,
    );
    assert.ok(Date.now() - started < 1000);
    assert.equal(events.length, 1);
  });

  await t.step("an already aborted signal sends nothing", async () => {
    const { fetch, calls } = scripted(() => Promise.resolve(json(state(1))));
    const events = [];
    for await (
      const event of watch(BASE, { fetch, signal: AbortSignal.abort() })
    ) events.push(event);
    assert.equal(calls.length, 0);
    assert.equal(events.length, 0);
  });

  await t.step("breaking out of the loop stops polling", async () => {
    const { fetch, calls } = scripted((n) => Promise.resolve(json(state(n))));
    for await (const event of watch(BASE, { fetch })) {
      if (event.type === "change") break;
    }
    assert.equal(calls.length, 2);
    // Nothing runs any more: a loop still going would have polled again by now.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(calls.length, 2);
  });

  await t.step("a 4xx that retrying cannot fix is thrown", async () => {
    const { fetch } = scripted(() =>
      Promise.resolve(json({ error: "last_version must be …" }, 400))
    );
    await assert.rejects(
      async () => {
        for await (const _ of watch(BASE, { fetch })) { /* nothing */ }
      },
      (error: unknown) =>
        error instanceof StatusApiError && error.status === 400,
    );
  });

  await t.step("a watch can be iterated only once", () => {
    const watcher = watch(BASE, { signal: AbortSignal.abort() });
    watcher[Symbol.asyncIterator]();
    assert.throws(() => watcher[Symbol.asyncIterator](), /only once/);
  });

  await t.step("an initial state is not repeated as a snapshot", async () => {
    const { fetch, calls } = scripted(() => Promise.resolve(json(state(4))));
    const controller = new AbortController();
    const events = await collect(
      watch(BASE, { fetch, signal: controller.signal, initial: state(3) }),
      controller,
      (e) => e.some((x) => x.type === "change"),
    );
    assert.deepEqual(events.map((e) => e.type), ["connected", "change"]);
    assert.equal(calls[0].url.searchParams.get("last_version"), "3");
  });
});
