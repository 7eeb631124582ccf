import assert from "node:assert/strict";
import { Deadlines, MAX_TICK_MS } from "../../lib/live/deadlines.ts";

/** Resolves with the time a deadline fired, measured from when it was added. */
function firing(
  deadlines: Deadlines,
  ms: number,
  slackMs = 0,
  log?: number[],
) {
  const started = performance.now();
  return new Promise<number>((resolve) =>
    deadlines.add(ms, () => {
      log?.push(ms);
      resolve(performance.now() - started);
    }, slackMs)
  );
}

// Timers count whole milliseconds: a deadline may fire up to 1 ms before the
// fraction it was asked for.
const ROUNDING_MS = 1;
// Above the deadline only the event loop's delay counts; a loaded machine's.
const LAG_MS = 200;

Deno.test("without slack a deadline fires once it is due", async () => {
  const deadlines = new Deadlines();
  const took = await firing(deadlines, 50);
  assert.ok(took >= 50 - ROUNDING_MS, `fired after ${took} ms`);
  assert.ok(took < 50 + LAG_MS, `fired after ${took} ms`);
  assert.equal(deadlines.size, 0);
  assert.equal(deadlines.armed, false);
});

Deno.test("with slack a deadline is set inside its window, never after its time", () => {
  const deadlines = new Deadlines();
  for (const slackMs of [0, 0.5, 1, 3, 15, 16, 17, 1_562.5]) {
    for (let i = 0; i < 50; i++) {
      const ms = 1_000 + i * 0.37;
      const onExpire = () => {};
      const before = performance.now();
      const at = deadlines.add(ms, onExpire, slackMs);
      const after = performance.now();
      assert.ok(at <= after + ms, `${at - before} ms for ${ms}`);
      assert.ok(at >= before + ms - slackMs, `${at - before} ms for ${ms}`);
      deadlines.delete(at, onExpire);
    }
  }
  assert.equal(deadlines.armed, false);
});

Deno.test("with slack a deadline fires, and not before its window", async () => {
  const deadlines = new Deadlines();
  const took = await firing(deadlines, 60, 20);
  assert.ok(took >= 60 - 20 - ROUNDING_MS, `fired after ${took} ms`);
  assert.ok(took < 60 + LAG_MS, `fired after ${took} ms`);
});

Deno.test("deadlines with slack share buckets: one per grid point", () => {
  const deadlines = new Deadlines();
  const callbacks = Array.from({ length: 1000 }, () => () => {});
  const keys = callbacks.map((fn) => deadlines.add(10_000, fn, 1_000));
  // Added within a few milliseconds of each other, on a 16 ms grid.
  assert.ok(new Set(keys).size <= 2, `${new Set(keys).size} buckets`);
  assert.ok(keys.every((key) => key % MAX_TICK_MS === 0));
  callbacks.forEach((fn, i) => deadlines.delete(keys[i], fn));
  assert.equal(deadlines.armed, false);
});

Deno.test("deadlines fire in the order they fall due, whatever order they came in", async () => {
  const deadlines = new Deadlines();
  const log: number[] = [];
  await Promise.all(
    [90, 30, 60, 30].map((ms) => firing(deadlines, ms, 0, log)),
  );
  assert.deepEqual(log, [30, 30, 60, 90]);
});

Deno.test("a deleted deadline never fires, and the others still do", async () => {
  const deadlines = new Deadlines();
  const fired: string[] = [];
  const early = deadlines.add(20, () => fired.push("early"), 8);
  const onEarly = () => fired.push("early, too");
  deadlines.add(20, onEarly, 8);
  deadlines.delete(early, onEarly);
  const late = firing(deadlines, 60);
  assert.equal(deadlines.size, 2);
  await late;
  assert.deepEqual(fired, ["early"]);
  assert.equal(deadlines.armed, false);
});

Deno.test("the timer stops when the last deadline is deleted", () => {
  const deadlines = new Deadlines();
  const callbacks = Array.from({ length: 1000 }, () => () => {
    throw new Error("a deleted deadline fired");
  });
  const keys = callbacks.map((fn, i) => deadlines.add(1_000 + i, fn, 100));
  assert.equal(deadlines.size, 1000);
  assert.ok(deadlines.armed);
  callbacks.forEach((fn, i) => deadlines.delete(keys[i], fn));
  assert.equal(deadlines.size, 0);
  assert.equal(deadlines.armed, false);
});

Deno.test("deleting twice, or what was never added, changes nothing", async () => {
  const deadlines = new Deadlines();
  const onExpire = () => {};
  const key = deadlines.add(10_000, onExpire);
  deadlines.delete(key, onExpire);
  deadlines.delete(key, onExpire);
  deadlines.delete(key + 1, () => {});
  assert.equal(deadlines.size, 0);
  assert.ok(await firing(deadlines, 10) >= 10 - ROUNDING_MS);
});
