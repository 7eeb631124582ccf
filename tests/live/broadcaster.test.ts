import assert from "node:assert/strict";
import { Broadcaster, WAKE_SLICE } from "../../lib/live/broadcaster.ts";
import { Deadlines } from "../../lib/live/deadlines.ts";

Deno.test("publish wakes every waiter in one pass with the same value", async () => {
  const broadcaster = new Broadcaster<{ body: string }>();
  const waits = Array.from({ length: 1000 }, () => broadcaster.wait(60_000));
  assert.equal(broadcaster.size, 1000);
  const value = { body: "v1" };
  assert.equal(broadcaster.publish(value), 1000);
  assert.equal(broadcaster.size, 0);
  const outcomes = await Promise.all(waits);
  for (const outcome of outcomes) {
    assert.equal(outcome.kind, "changed");
    // The very same object: serialised once, not once per waiter.
    assert.equal(outcome.kind === "changed" && outcome.value, value);
  }
});

Deno.test("thousands of waiters wake a slice at a time, each slice's work done before the next wakes", async () => {
  const broadcaster = new Broadcaster<number>();
  const total = 2 * WAKE_SLICE + 1;
  const events: string[] = [];
  const waits = Array.from(
    { length: total },
    (_, i) =>
      broadcaster.wait(60_000).then((outcome) => {
        events.push(`woken ${i}`);
        // What an answer does next: a few more steps before it is written.
        return Promise.resolve().then(() => events.push(`answered ${i}`))
          .then(() => outcome);
      }),
  );
  assert.equal(broadcaster.publish(7), total);
  // A waiter that comes now waits for the next value, not this one.
  const late = broadcaster.wait(60_000);
  const outcomes = await Promise.all(waits);
  assert.ok(outcomes.every((o) => o.kind === "changed" && o.value === 7));
  // Every answer of the first slice is made before the second slice wakes.
  const lastOfFirst = events.indexOf(`answered ${WAKE_SLICE - 1}`);
  const firstOfSecond = events.indexOf(`woken ${WAKE_SLICE}`);
  assert.ok(lastOfFirst >= 0 && lastOfFirst < firstOfSecond);
  assert.ok(
    events.indexOf(`answered ${2 * WAKE_SLICE - 1}`) <
      events.indexOf(`woken ${2 * WAKE_SLICE}`),
  );
  assert.equal(broadcaster.size, 1);
  broadcaster.publish(8);
  assert.deepEqual(await late, { kind: "changed", value: 8 });
});

Deno.test("a waiter that gives up before its slice wakes is answered once, and counted as missed", async () => {
  const broadcaster = new Broadcaster<number>();
  const controller = new AbortController();
  const waits = Array.from(
    { length: WAKE_SLICE },
    () => broadcaster.wait(60_000),
  );
  const leaving = broadcaster.wait(60_000, controller.signal);
  let missed = 0;
  broadcaster.publish(1, () => missed++);
  controller.abort();
  assert.deepEqual(await leaving, { kind: "aborted" });
  const outcomes = await Promise.all(waits);
  assert.ok(outcomes.every((o) => o.kind === "changed"));
  // Its slice comes on a later turn: then it is found gone.
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(missed, 1);
});

Deno.test("an aborted waiter is removed at once, its deadline with it", async () => {
  const deadlines = new Deadlines();
  const broadcaster = new Broadcaster<number>(deadlines);
  const controller = new AbortController();
  const wait = broadcaster.wait(60_000, controller.signal);
  const other = broadcaster.wait(60_000);
  assert.equal(broadcaster.size, 2);
  assert.equal(deadlines.size, 2);
  controller.abort();
  assert.equal(broadcaster.size, 1);
  assert.equal(deadlines.size, 1);
  assert.deepEqual(await wait, { kind: "aborted" });
  broadcaster.publish(1);
  assert.deepEqual(await other, { kind: "changed", value: 1 });
  // Nothing is left to time out: no deadline, no timer.
  assert.equal(deadlines.size, 0);
  assert.equal(deadlines.armed, false);
});

Deno.test("an already aborted signal never registers", async () => {
  const broadcaster = new Broadcaster<number>();
  const outcome = await broadcaster.wait(60_000, AbortSignal.abort());
  assert.deepEqual(outcome, { kind: "aborted" });
  assert.equal(broadcaster.size, 0);
});

Deno.test("a wait times out, leaving no waiter", async () => {
  const deadlines = new Deadlines();
  const broadcaster = new Broadcaster<number>(deadlines);
  const controller = new AbortController();
  const outcome = await broadcaster.wait(10, controller.signal);
  assert.deepEqual(outcome, { kind: "timeout" });
  assert.equal(broadcaster.size, 0);
  assert.equal(deadlines.armed, false);
  // The abort listener is gone too: aborting now changes nothing.
  controller.abort();
  assert.equal(broadcaster.size, 0);
});

Deno.test("cleanup is idempotent: a wake after an abort is ignored", async () => {
  const broadcaster = new Broadcaster<number>();
  const controller = new AbortController();
  const wait = broadcaster.wait(60_000, controller.signal);
  controller.abort();
  broadcaster.publish(7);
  assert.deepEqual(await wait, { kind: "aborted" });
});

Deno.test("a waiter registered while others are woken waits for the next value", async () => {
  const broadcaster = new Broadcaster<number>();
  let late: Promise<unknown> | undefined;
  const first = broadcaster.wait(60_000).then((outcome) => {
    late = broadcaster.wait(60_000);
    return outcome;
  });
  broadcaster.publish(1);
  assert.deepEqual(await first, { kind: "changed", value: 1 });
  assert.equal(broadcaster.size, 1);
  broadcaster.publish(2);
  assert.deepEqual(await late, { kind: "changed", value: 2 });
});
