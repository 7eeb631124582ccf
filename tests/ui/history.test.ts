import assert from "node:assert/strict";
import type { Change } from "../../lib/domain/task_state.ts";
import type { Status } from "../../lib/domain/statuses.ts";
import {
  gapText,
  HISTORY_CAP,
  historyLines,
  mergeChanges,
  origin,
} from "../../lib/ui/history.ts";

function change(version: number, status: Status = "En cours"): Change {
  return {
    version,
    status,
    at: new Date(Date.UTC(2024, 5, 1) + version * 1000).toISOString(),
    source: "api",
  };
}

function versions(lines: ReturnType<typeof historyLines>): (number | string)[] {
  return lines.map((line) =>
    line.kind === "change"
      ? line.change.version
      : `gap ${line.count}${line.oldest ? " oldest" : ""}`
  );
}

Deno.test("changes merge by version, in order, once each", () => {
  const merged = mergeChanges([change(1), change(3)], [change(2), change(3)]);
  assert.deepEqual(merged.map((c) => c.version), [1, 2, 3]);
});

Deno.test("merging nothing new keeps the same history (no re-render)", () => {
  const history = [change(1), change(2)];
  assert.equal(mergeChanges(history, [change(2)]), history);
  assert.equal(mergeChanges(history, []), history);
});

Deno.test("the history keeps the newest changes, like the server", () => {
  const many = Array.from({ length: HISTORY_CAP + 5 }, (_, i) => change(i + 1));
  const merged = mergeChanges([], many);
  assert.equal(merged.length, HISTORY_CAP);
  assert.equal(merged[0].version, 6);
});

Deno.test("one line per change, newest first", () => {
  const lines = historyLines([change(1), change(2), change(3)], 3);
  assert.deepEqual(versions(lines), [3, 2, 1]);
});

Deno.test("missing changes show as one line where they are missing", async (t) => {
  await t.step("between kept changes (never received here)", () => {
    assert.deepEqual(
      versions(historyLines([change(1), change(4)], 4)),
      [4, "gap 2", 1],
    );
  });
  await t.step("above the newest (the state moved on without them)", () => {
    assert.deepEqual(versions(historyLines([change(1)], 3)), ["gap 2", 1]);
  });
  await t.step("below the oldest (no longer kept by the server)", () => {
    assert.deepEqual(
      versions(historyLines([change(41), change(42)], 42)),
      [42, 41, "gap 40 oldest"],
    );
  });
  await t.step("a task never changed has no lines", () => {
    assert.deepEqual(historyLines([], 0), []);
  });
});

Deno.test("a gap says how many and why", () => {
  assert.equal(
    gapText({ count: 1, oldest: false }),
    "1 changement non reçu ici",
  );
  assert.equal(
    gapText({ count: 40, oldest: true }),
    "40 changements plus anciens : plus conservés par le serveur",
  );
});

Deno.test("every change says where it came from, and who when told", () => {
  assert.equal(origin({ source: "page" }), "depuis la page");
  assert.equal(
    origin({ source: "cli", actor: "alice" }),
    "par alice, en ligne de commande",
  );
  assert.equal(origin({ source: "api" }), "par l'API");
  assert.equal(
    origin({ source: "api", actor: "ci-bot" }),
    "par ci-bot, par l'API",
  );
});
