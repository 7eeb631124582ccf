import assert from "node:assert/strict";
import type { Status } from "../../lib/domain/statuses.ts";
import type { Change } from "../../lib/domain/task_state.ts";
import { barShares, currentRun, timeByStatus } from "../../lib/ui/timeline.ts";

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
const MIN = 60_000;

/** Changes at the given minutes after T0, versions from `first`. */
function changes(
  steps: [Status, number][],
  first = 1,
): Change[] {
  return steps.map(([status, minute], i) => ({
    version: first + i,
    status,
    at: new Date(T0 + minute * MIN).toISOString(),
    source: "api",
  }));
}

Deno.test("a run still going lasts until now, one segment per status", () => {
  const run = currentRun(
    changes([["En attente", 0], ["En cours", 2]]),
    T0 + 14 * MIN,
  );
  assert.ok(run);
  assert.deepEqual(run.segments, [
    { status: "En attente", from: T0, to: T0 + 2 * MIN },
    { status: "En cours", from: T0 + 2 * MIN, to: T0 + 14 * MIN },
  ]);
  assert.equal(run.ended, undefined);
  assert.equal(run.end, T0 + 14 * MIN);
  assert.equal(run.partial, false);
});

Deno.test("a run that ended stops at its final status, whatever the time now", () => {
  const run = currentRun(
    changes([["En attente", 0], ["En cours", 2], ["Terminée", 16]]),
    T0 + 60 * MIN,
  );
  assert.ok(run);
  assert.equal(run.ended, "Terminée");
  assert.equal(run.end - run.start, 16 * MIN);
  assert.deepEqual(timeByStatus(run), [
    { status: "En attente", ms: 2 * MIN },
    { status: "En cours", ms: 14 * MIN },
  ]);
});

Deno.test("the current run starts after the previous final status", () => {
  const run = currentRun(
    changes([
      ["En cours", 0],
      ["Échec", 5],
      ["En attente", 10],
      ["En cours", 11],
    ]),
    T0 + 20 * MIN,
  );
  assert.ok(run);
  assert.equal(run.start, T0 + 10 * MIN);
  assert.deepEqual(run.segments.map((s) => s.status), [
    "En attente",
    "En cours",
  ]);
});

Deno.test("time in a status that came back is added up", () => {
  const run = currentRun(
    changes([["En cours", 0], ["En attente", 3], ["En cours", 4]]),
    T0 + 10 * MIN,
  );
  assert.ok(run);
  assert.deepEqual(timeByStatus(run), [
    { status: "En cours", ms: 9 * MIN },
    { status: "En attente", ms: 1 * MIN },
  ]);
});

Deno.test("a run older than the kept history is marked partial", () => {
  const run = currentRun(
    changes([["En cours", 0], ["Terminée", 5]], 40),
    T0 + 6 * MIN,
  );
  assert.equal(run?.partial, true);
});

Deno.test("no changes, no run", () => {
  assert.equal(currentRun([], T0), undefined);
});

Deno.test("the bar's shares sum to 100 and a short stretch stays visible", () => {
  const run = currentRun(
    changes([["En attente", 0], ["En cours", 0.01], ["Terminée", 100]]),
    T0,
  );
  assert.ok(run);
  const shares = barShares(run);
  assert.equal(shares.length, 2);
  assert.ok(shares[0] >= 1.5, `a sliver at least: ${shares[0]}`);
  assert.ok(Math.abs(shares.reduce((a, b) => a + b) - 100) < 1e-9);
});
