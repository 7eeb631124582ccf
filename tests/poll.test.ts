import assert from "node:assert/strict";
import {
  answerPoll,
  decidePoll,
  holdFor,
  parsePollQuery,
} from "../lib/poll.ts";
import type { TaskState } from "../lib/state.ts";
import { testService } from "./support/service.ts";

const state: TaskState = {
  status: "En cours",
  version: 5,
  epoch: "e1",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
const noChanges = () => ({ changes: [], truncated: false });

function pollRequest(query: string, signal?: AbortSignal): Request {
  return new Request(`http://localhost/poll-status?${query}`, { signal });
}

Deno.test("poll query parsing", async (t) => {
  const parse = (q: string) => parsePollQuery(new URLSearchParams(q), 25_000);
  await t.step("accepts a version, an epoch and a timeout", () => {
    assert.deepEqual(parse("last_version=3&epoch=abc&timeout=10"), {
      ok: true,
      query: { lastVersion: 3, epoch: "abc", timeoutSeconds: 10 },
    });
  });
  await t.step("accepts no version at all", () => {
    assert.deepEqual(parse(""), { ok: true, query: {} });
  });
  await t.step("accepts 2^53-1 and refuses 2^53", () => {
    assert.equal(parse(`last_version=${Number.MAX_SAFE_INTEGER}`).ok, true);
    assert.equal(parse("last_version=9007199254740992").ok, false);
  });
  await t.step("refuses a version that is not a non-negative integer", () => {
    for (const bad of ["-1", "1.5", "abc", "", " 1", "1e3", "0x10"]) {
      const result = parse(`last_version=${encodeURIComponent(bad)}`);
      assert.equal(result.ok, false, bad);
      assert.match(!result.ok ? result.error : "", /last_version/);
    }
  });
  await t.step("refuses a timeout outside 1..hold seconds", () => {
    for (const bad of ["0", "26", "x", "-3"]) {
      const result = parse(`last_version=1&timeout=${bad}`);
      assert.equal(result.ok, false, bad);
      assert.match(!result.ok ? result.error : "", /timeout .* from 1 to 25/);
    }
  });
});

Deno.test("poll decisions", async (t) => {
  await t.step("no version: the current state at once", () => {
    assert.deepEqual(decidePoll(state, noChanges, {}), {
      kind: "now",
      outcome: "current",
      answer: state,
    });
  });
  await t.step("a foreign epoch: reset at once", () => {
    assert.deepEqual(
      decidePoll(state, noChanges, { lastVersion: 5, epoch: "old" }),
      {
        kind: "now",
        outcome: "reset",
        answer: { ...state, reset: true },
      },
    );
  });
  await t.step("a version ahead of the server: reset at once", () => {
    const decision = decidePoll(state, noChanges, {
      lastVersion: 9,
      epoch: "e1",
    });
    assert.equal(decision.kind === "now" && decision.outcome, "reset");
  });
  await t.step(
    "a stale version: the state and what was missed, at once",
    () => {
      const missed = {
        changes: [{ version: 5, status: "En cours" as const, at: "t" }],
        truncated: true,
      };
      assert.deepEqual(decidePoll(state, () => missed, { lastVersion: 4 }), {
        kind: "now",
        outcome: "changed",
        answer: { ...state, changes: missed.changes, truncated: true },
      });
    },
  );
  await t.step("the current version: hold", () => {
    assert.deepEqual(
      decidePoll(state, noChanges, { lastVersion: 5, epoch: "e1" }),
      {
        kind: "hold",
      },
    );
  });
});

Deno.test("the hold takes at most 1/16 off the requested time, never adds to it", () => {
  // 25 s less 1/16 is 23,437.5 ms: the hold ends between that and `ms`.
  assert.deepEqual(holdFor(25_000, undefined, 0), {
    ms: 25_000,
    slackMs: 1_562.5,
  });
  assert.deepEqual(holdFor(25_000, undefined, 0.999999), {
    ms: 23_438,
    slackMs: 0.5,
  });
  assert.deepEqual(holdFor(25_000, 2, 0.5), { ms: 1_938, slackMs: 63 });
  assert.deepEqual(holdFor(3_000, 10, 0), { ms: 3_000, slackMs: 187.5 });
  assert.deepEqual(holdFor(100, undefined, 1), { ms: 94, slackMs: 0.25 });
});

Deno.test("a held poll is answered by the next change", async () => {
  const service = testService();
  const answer = answerPoll(
    pollRequest(`last_version=0&epoch=${service.store.hub.state.epoch}`),
    service,
  );
  assert.equal(service.store.hub.waiting, 1);
  await service.store.update({ status: "Terminée" });
  const response = await answer;
  assert.equal(response.headers.get("x-status-version"), "1");
  const body = await response.json();
  assert.equal(body.status, "Terminée");
  assert.deepEqual(body.changes.map((c: { version: number }) => c.version), [
    1,
  ]);
  assert.equal(service.metrics.polls.changed, 1);
});

Deno.test("an update scheduled between the version check and the wait is not missed", async () => {
  const service = testService({ pollTimeoutMs: 2_000 });
  // The update runs at the first await after answerPoll starts: if the
  // handler awaited anything between comparing the version and registering
  // its waiter, the change would be lost and the poll would time out.
  queueMicrotask(() => service.store.update({ status: "Échec" }));
  const response = await answerPoll(pollRequest("last_version=0"), service);
  const body = await response.json();
  assert.equal(body.timeout, undefined);
  assert.equal(body.status, "Échec");
  assert.equal(body.version, 1);
});

Deno.test("a client that leaves drops its waiter and timer at once", async () => {
  const service = testService();
  const controller = new AbortController();
  const answer = answerPoll(
    pollRequest("last_version=0", controller.signal),
    service,
  );
  assert.equal(service.store.hub.waiting, 1);
  controller.abort();
  assert.equal(service.store.hub.waiting, 0);
  assert.equal((await answer).status, 499);
  assert.equal(service.metrics.polls.aborted, 1);
});

Deno.test("past MAX_WAITERS a poll gets 503 with Retry-After", async () => {
  const service = testService({ maxWaiters: 2 });
  const controller = new AbortController();
  const held = [1, 2].map(() =>
    answerPoll(pollRequest("last_version=0", controller.signal), service)
  );
  const refused = await answerPoll(pollRequest("last_version=0"), service);
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get("retry-after"), "5");
  assert.match((await refused.json()).error, /MAX_WAITERS is 2/);
  controller.abort();
  await Promise.all(held);
  assert.equal(service.metrics.polls.rejected, 1);
});

Deno.test("a held poll times out with the current state and timeout:true", async () => {
  const service = testService({ pollTimeoutMs: 100 });
  const response = await answerPoll(pollRequest("last_version=0"), service);
  const body = await response.json();
  assert.equal(body.timeout, true);
  assert.equal(body.version, 0);
  assert.equal(service.store.hub.waiting, 0);
});

Deno.test("shutting down answers held polls with the current state", async () => {
  const service = testService();
  const answer = answerPoll(pollRequest("last_version=0"), service);
  service.store.hub.release();
  const body = await (await answer).json();
  assert.deepEqual(body, service.store.hub.state);
  assert.equal(service.metrics.polls.shutdown, 1);
});
