import assert from "node:assert/strict";
import {
  appendChange,
  changesSince,
  HISTORY_LIMIT,
} from "../../lib/domain/history.ts";
import type { Change } from "../../lib/domain/task_state.ts";

function historyUpTo(last: number): Change[] {
  let history: Change[] = [];
  for (let v = 1; v <= last; v++) {
    history = appendChange(history, {
      version: v,
      status: v % 2 ? "En cours" : "En attente",
      at: new Date(v * 1000).toISOString(),
      source: "api",
    });
  }
  return history;
}

Deno.test("history keeps only the last 100 changes", () => {
  const history = historyUpTo(250);
  assert.equal(history.length, HISTORY_LIMIT);
  assert.equal(history[0].version, 151);
  assert.equal(history.at(-1)?.version, 250);
});

Deno.test("appending does not change the history it was given", () => {
  const before = historyUpTo(3);
  appendChange(before, { version: 4, status: "Échec", at: "x", source: "api" });
  assert.equal(before.length, 3);
});

Deno.test("changes since a version", async (t) => {
  const history = historyUpTo(250);
  await t.step("lists what a client missed, oldest first", () => {
    const missed = changesSince(history, 247);
    assert.deepEqual(missed.changes.map((c) => c.version), [248, 249, 250]);
    assert.equal(missed.truncated, false);
  });
  await t.step("is empty for a client that is up to date", () => {
    assert.deepEqual(changesSince(history, 250), {
      changes: [],
      truncated: false,
    });
  });
  await t.step(
    "is complete, not truncated, when the client is exactly 100 behind",
    () => {
      const missed = changesSince(history, 150);
      assert.equal(missed.changes.length, 100);
      assert.equal(missed.truncated, false);
    },
  );
  await t.step(
    "is truncated when the client is further behind than the history",
    () => {
      const missed = changesSince(history, 149);
      assert.equal(missed.changes.length, 100);
      assert.equal(missed.changes[0].version, 151);
      assert.equal(missed.truncated, true);
    },
  );
  await t.step("is empty for an empty history", () => {
    assert.deepEqual(changesSince([], 0), { changes: [], truncated: false });
  });
});
