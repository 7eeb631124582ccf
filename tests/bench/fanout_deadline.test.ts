/**
 * How long a fan-out waits for its answers: the answers' time after the
 * update, and, when the clients read only once the server went quiet, time
 * to read after that too, however late the quiet came.
 */
import assert from "node:assert/strict";
import { answersDeadline, READ_AFTER_MS } from "../../bench/fanout.ts";

Deno.test("a fan-out's clients stop waiting at the answers' deadline", async (t) => {
  await t.step("reading live: the answers' time after the update", () => {
    assert.equal(answersDeadline(1_000, 20_000), 21_000);
  });
  await t.step("reading after a quiet that came early: still that time", () => {
    assert.equal(answersDeadline(1_000, 20_000, 1_500), 21_000);
  });
  await t.step(
    "a server that never went quiet: the clients still get time to read",
    () => {
      assert.equal(
        answersDeadline(1_000, 20_000, 21_000),
        21_000 + READ_AFTER_MS,
      );
    },
  );
});
