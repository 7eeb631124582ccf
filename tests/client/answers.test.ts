import assert from "node:assert/strict";
import {
  errorMessage,
  parsePollAnswer,
  parseTaskState,
  parseUpdateAnswer,
} from "../../lib/client/answers.ts";

const state = { status: "En cours", version: 2, epoch: "e", updatedAt: "t" };

Deno.test("answer parsing", async (t) => {
  await t.step("keeps exactly the fields of a state", () => {
    assert.deepEqual(parseTaskState({ ...state, extra: 1 }), state);
  });
  await t.step("refuses what is not a state", () => {
    for (
      const value of [
        null,
        "x",
        [],
        { ...state, status: "en cours" },
        { ...state, version: -1 },
        { ...state, version: 1.5 },
        { ...state, epoch: 3 },
        { status: "En cours", version: 2, epoch: "e" },
      ]
    ) {
      assert.equal(parseTaskState(value), undefined, JSON.stringify(value));
    }
  });
  await t.step("reads the poll flags and changes", () => {
    assert.deepEqual(
      parsePollAnswer({
        ...state,
        changes: [{ version: 2, status: "En cours", at: "t", source: "api" }],
        truncated: true,
        timeout: false,
      }),
      {
        ...state,
        changes: [{ version: 2, status: "En cours", at: "t", source: "api" }],
        truncated: true,
      },
    );
  });
  await t.step("refuses a poll answer with a malformed change", () => {
    assert.equal(
      parsePollAnswer({ ...state, changes: [{ version: 2 }] }),
      undefined,
    );
    assert.equal(parsePollAnswer({ ...state, changes: {} }), undefined);
  });
  await t.step("an update answer needs its message", () => {
    assert.deepEqual(parseUpdateAnswer({ ...state, message: "ok" }), {
      ...state,
      message: "ok",
    });
    assert.equal(parseUpdateAnswer(state), undefined);
  });
  await t.step("reads the error text of an error body", () => {
    assert.equal(errorMessage({ error: "nope" }), "nope");
    assert.equal(errorMessage("<html>"), undefined);
  });
});
