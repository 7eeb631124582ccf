import assert from "node:assert/strict";
import { Deadlines } from "../lib/deadlines.ts";

/** Resolves with the time a deadline of `ms` fired, measured from now. */
function firing(deadlines: Deadlines, ms: number, log?: number[]) {
  const started = performance.now();
  return new Promise<number>((resolve) =>
    deadlines.add(ms, () => {
      log?.push(ms);
      resolve(performance.now() - started);
    })
  );
}

Deno.test("a deadline fires once it is due, within a tick", async () => {
  const deadlines = new Deadlines(20);
  const took = await firing(deadlines, 50);
  assert.ok(took >= 50, `fired after ${took} ms`);
  // Generous above: the tick plus a loaded machine's timer lag.
  assert.ok(took < 50 + 20 + 200, `fired after ${took} ms`);
  assert.equal(deadlines.size, 0);
  assert.equal(deadlines.armed, false);
});

Deno.test("deadlines fire in the order they fall due, whatever order they came in", async () => {
  const deadlines = new Deadlines(10);
  const log: number[] = [];
  await Promise.all([90, 30, 60, 30].map((ms) => firing(deadlines, ms, log)));
  assert.deepEqual(log, [30, 30, 60, 90]);
});

Deno.test("a deleted deadline never fires, and the others still do", async () => {
  const deadlines = new Deadlines(10);
  const fired: string[] = [];
  const early = deadlines.add(20, () => fired.push("early"));
  const onEarly = () => fired.push("early, too");
  deadlines.add(20, onEarly);
  deadlines.delete(early, onEarly);
  const late = firing(deadlines, 60);
  assert.equal(deadlines.size, 2);
  await late;
  assert.deepEqual(fired, ["early"]);
  assert.equal(deadlines.armed, false);
});

Deno.test("the timer stops when the last deadline is deleted", () => {
  const deadlines = new Deadlines(10);
  const callbacks = Array.from({ length: 1000 }, () => () => {
    throw new Error("a deleted deadline fired");
  });
  const ticks = callbacks.map((fn, i) => deadlines.add(1_000 + i, fn));
  assert.equal(deadlines.size, 1000);
  assert.ok(deadlines.armed);
  callbacks.forEach((fn, i) => deadlines.delete(ticks[i], fn));
  assert.equal(deadlines.size, 0);
  assert.equal(deadlines.armed, false);
});

Deno.test("deleting twice, or what was never added, changes nothing", async () => {
  const deadlines = new Deadlines(10);
  const onExpire = () => {};
  const tick = deadlines.add(10_000, onExpire);
  deadlines.delete(tick, onExpire);
  deadlines.delete(tick, onExpire);
  deadlines.delete(tick + 1, () => {});
  assert.equal(deadlines.size, 0);
  assert.ok(await firing(deadlines, 10) >= 10);
});
