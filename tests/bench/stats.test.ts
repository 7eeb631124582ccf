import assert from "node:assert/strict";
import { percentile, spread, summarise } from "../../bench/stats.ts";
import { deliveryLatencies } from "../../bench/churn.ts";
import { roundOrder } from "../../bench/main.ts";
import { ratios } from "../../bench/report.ts";

Deno.test("percentiles are nearest-rank over the sorted values", () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  const summary = summarise(values);
  assert.equal(summary.p50, 50);
  assert.equal(summary.p99, 99);
  assert.equal(summary.max, 100);
  assert.equal(percentile(Float64Array.of(7), 99), 7);
  assert.ok(Number.isNaN(summarise([]).p50));
});

Deno.test("a spread is the median and range of the finite values", () => {
  assert.deepEqual(spread([3, 1, NaN, 2, 10]), {
    median: 2.5,
    min: 1,
    max: 10,
    n: 4,
  });
  assert.equal(spread([NaN]), null);
});

Deno.test("rounds alternate the order of the servers", () => {
  const order = [0, 1, 2, 3].flatMap((r) => roundOrder(["app", "ref"], r));
  assert.deepEqual(order, [
    "app",
    "ref",
    "ref",
    "app",
    "app",
    "ref",
    "ref",
    "app",
  ]);
});

Deno.test("ratios pair each server's round with the reference's same round", () => {
  const list = [
    { server: "app", round: 0, result: 12 },
    { server: "reference", round: 1, result: 20 },
    { server: "reference", round: 0, result: 10 },
    { server: "app", round: 1, result: 30 },
  ];
  assert.deepEqual(ratios(list, "app", (v) => v), {
    median: 1.35,
    min: 1.2,
    max: 1.5,
    n: 2,
  });
});

Deno.test("a churn delivery counts from each update's send to the first answer at or past it", () => {
  const sentAt = new Map([[1, 100], [2, 110], [3, 120]]);
  const clients = [
    // Saw 1, then 3 (which also delivers 2).
    {
      versions: [1, 3],
      at: [105, 130],
      timeouts: 0,
      missing: null,
      error: null,
    },
    // Never got past 2: nothing counted for 3.
    { versions: [2], at: [140], timeouts: 0, missing: null, error: null },
  ];
  assert.deepEqual(deliveryLatencies(clients, sentAt), [5, 20, 10, 40, 30]);
});
