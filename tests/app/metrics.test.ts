import assert from "node:assert/strict";
import { Metrics } from "../../lib/app/metrics.ts";
import { WAKE_SLICE } from "../../lib/live/broadcaster.ts";
import { StateHub } from "../../lib/live/state_hub.ts";
import type { TaskState } from "../../lib/domain/task_state.ts";

const start: TaskState = {
  status: "En attente",
  version: 0,
  epoch: "e1",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
const next: TaskState = {
  ...start,
  status: "En cours",
  version: 1,
  updatedAt: "2026-01-01T00:00:01.000Z",
};

const fanouts = (metrics: Metrics) =>
  metrics.render({ version: 1, waiters: 0, storeUp: true })
    .match(/^status_fanout_seconds_count (\d+)$/m)?.[1];

Deno.test("a fan-out is timed once its last poll is through, even one that left before its turn", async () => {
  const metrics = new Metrics();
  const hub = new StateHub(start, []);
  const controller = new AbortController();
  const held = Array.from({ length: WAKE_SLICE }, () => hub.hold(60_000));
  const leaving = hub.hold(60_000, controller.signal);
  hub.apply(next, [{
    version: 1,
    status: "En cours",
    at: next.updatedAt,
    source: "api",
  }]);
  // The last poll's client leaves while the first slice is being answered.
  controller.abort();
  for (const outcome of await Promise.all(held)) {
    assert.equal(outcome.kind, "changed");
    if (outcome.kind === "changed") metrics.answered(outcome.value);
  }
  assert.equal((await leaving).kind, "aborted");
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(fanouts(metrics), "1");
  assert.equal(metrics.polls.changed, WAKE_SLICE);
});
