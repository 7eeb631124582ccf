import assert from "node:assert/strict";
import { decidePoll, holdFor } from "../../lib/domain/poll_rule.ts";
import type { TaskState } from "../../lib/domain/task_state.ts";

const state: TaskState = {
  status: "En cours",
  version: 5,
  epoch: "e1",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
const noChanges = () => ({ changes: [], truncated: false });

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
        changes: [{
          version: 5,
          status: "En cours" as const,
          at: "t",
          source: "api" as const,
        }],
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
