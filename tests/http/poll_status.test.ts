import assert from "node:assert/strict";
import {
  answerPoll,
  catchUpsKept,
  parsePollQuery,
} from "../../lib/http/poll_status.ts";
import { testService } from "../support/service.ts";

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

Deno.test("a held poll is answered by the next change", async () => {
  const service = testService();
  const answer = answerPoll(
    pollRequest(`last_version=0&epoch=${service.store.hub.state.epoch}`),
    service,
  );
  assert.equal(service.store.hub.waiting, 1);
  await service.store.update("default", { status: "Terminée" });
  const response = await answer;
  assert.equal(response.headers.get("x-status-version"), "1");
  const body = await response.json();
  assert.equal(body.status, "Terminée");
  assert.deepEqual(body.changes.map((c: { version: number }) => c.version), [
    1,
  ]);
  assert.equal(service.metrics.polls.changed, 1);
});

Deno.test("every poll woken by one change gets the same answer, in its own Response", async () => {
  const service = testService();
  const query = `last_version=0&epoch=${service.store.hub.state.epoch}`;
  const answers = [1, 2, 3].map(() => answerPoll(pollRequest(query), service));
  await service.store.update("default", { status: "En cours" });
  const responses = await Promise.all(answers);
  assert.equal(new Set(responses).size, 3, "one Response per poll");
  responses[0].headers.set("x-only", "first");
  assert.equal(responses[1].headers.get("x-only"), null);
  const bodies = await Promise.all(responses.map((r) => r.text()));
  assert.equal(new Set(bodies).size, 1);
  assert.equal(JSON.parse(bodies[0]).version, 1);
  for (const response of responses) {
    assert.equal(response.headers.get("x-status-version"), "1");
  }
});

Deno.test("polls that fell behind are caught up, each with the answer its own query asks for", async () => {
  const service = testService();
  const { epoch } = service.store.hub.state;
  for (const status of ["En cours", "Terminée", "Échec"] as const) {
    await service.store.update("default", { status });
  }
  const ask = async (query: string) =>
    await (await answerPoll(pollRequest(query), service)).json();
  const behind = await ask(`last_version=1&epoch=${epoch}`);
  assert.deepEqual(behind.changes.map((c: { version: number }) => c.version), [
    2,
    3,
  ]);
  assert.deepEqual(await ask(`last_version=1&epoch=${epoch}`), behind);
  // Same version, another epoch: a reset, not the answer just shared.
  const other = await ask("last_version=1&epoch=another");
  assert.equal(other.reset, true);
  assert.equal(other.changes, undefined);
  const further = await ask(`last_version=0&epoch=${epoch}`);
  assert.equal(further.changes.length, 3);
  // After one more change, the same query catches up to it too.
  await service.store.update("default", { status: "En attente" });
  const later = await ask(`last_version=1&epoch=${epoch}`);
  assert.equal(later.version, 4);
  assert.equal(later.changes.length, 3);
});

Deno.test("the catch-up answers kept stay bounded, however many tasks and versions polls name", async () => {
  const service = testService();
  for (let i = 0; i < 300; i++) {
    await service.store.update(`task-${i}`, { status: "En cours" });
  }
  for (let i = 0; i < 300; i++) {
    const response = await answerPoll(
      pollRequest("last_version=0"),
      service,
      `task-${i}`,
    );
    assert.equal((await response.json()).version, 1);
    assert.ok(catchUpsKept() <= 256, `${catchUpsKept()} kept`);
  }
  assert.ok(catchUpsKept() > 0);
});

Deno.test("an update scheduled between the version check and the wait is not missed", async () => {
  const service = testService({ pollTimeoutMs: 2_000 });
  // The update runs at the first await after answerPoll starts: if the
  // handler awaited anything between comparing the version and registering
  // its waiter, the change would be lost and the poll would time out.
  queueMicrotask(() => service.store.update("default", { status: "Échec" }));
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
