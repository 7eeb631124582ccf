import assert from "node:assert/strict";
import {
  freshStatus,
  newEpoch,
  parseStoredStatus,
} from "../../lib/domain/stored_record.ts";

Deno.test("a stored value is read back only when it is a status record", async (t) => {
  const at = "2026-01-01T00:00:00.000Z";
  const good = {
    state: { status: "Échec", version: 7, epoch: "e", updatedAt: at },
    history: [
      { version: 6, status: "En cours", at, source: "api" },
      { version: 7, status: "Échec", at, source: "api" },
    ],
  };
  await t.step("a state with its contiguous history", () => {
    assert.deepEqual(parseStoredStatus(good), good);
    assert.deepEqual(parseStoredStatus(freshStatus("e", new Date(at))), {
      state: { status: "En attente", version: 0, epoch: "e", updatedAt: at },
      history: [],
    });
  });
  const bad: [string, unknown][] = [
    ["not an object", "hello"],
    ["an unknown status", {
      ...good,
      state: { ...good.state, status: "Done" },
    }],
    ["a negative version", { ...good, state: { ...good.state, version: -1 } }],
    ["an empty epoch", { ...good, state: { ...good.state, epoch: "" } }],
    ["no history", { state: good.state }],
    ["a gap in the history", { ...good, history: [good.history[0]] }],
    ["history past the state", {
      ...good,
      history: [...good.history, {
        version: 8,
        status: "Échec",
        at,
        source: "api",
      }],
    }],
  ];
  for (const [what, value] of bad) {
    await t.step(
      `not ${what}`,
      () => assert.equal(parseStoredStatus(value), undefined),
    );
  }
});

Deno.test("every new epoch differs from the ones before", () => {
  const epochs = new Set(Array.from({ length: 1000 }, newEpoch));
  assert.equal(epochs.size, 1000);
});
