import assert from "node:assert/strict";
import { DEFAULT_TASK, parseTaskId } from "../../lib/domain/task_id.ts";

Deno.test("task ids", async (t) => {
  await t.step("lower-case letters, digits and - from 1 to 64 are ids", () => {
    for (
      const id of ["a", "build-42", "0", "-", "x".repeat(64), DEFAULT_TASK]
    ) {
      assert.deepEqual(parseTaskId(id), { ok: true, id });
    }
  });
  await t.step(
    "anything else is refused with a message naming the rule",
    () => {
      const bad = [
        "",
        "x".repeat(65),
        "Build",
        "a_b",
        "a b",
        "é",
        "a/b",
        "a.b",
        " a",
        "a\n",
      ];
      for (const id of bad) {
        const parsed = parseTaskId(id);
        assert.equal(parsed.ok, false, JSON.stringify(id));
        assert.match(!parsed.ok ? parsed.error : "", /^task id must be/);
      }
      assert.equal(parseTaskId(undefined).ok, false);
      assert.equal(parseTaskId(42).ok, false);
    },
  );
});
