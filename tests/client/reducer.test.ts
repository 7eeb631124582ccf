import assert from "node:assert/strict";
import { reducePoll } from "../../lib/client/reducer.ts";
import type { PollAnswer, TaskState } from "../../lib/domain/task_state.ts";

const known: TaskState = {
  status: "En attente",
  version: 3,
  epoch: "e1",
  updatedAt: "2025-01-01T00:00:03.000Z",
};

function answer(extra: Partial<PollAnswer>): PollAnswer {
  return { ...known, ...extra };
}

Deno.test("poll reducer", async (t) => {
  await t.step("the first answer is a snapshot and counts as progress", () => {
    const r = reducePoll(undefined, answer({}));
    assert.deepEqual(r.events, [{ type: "snapshot", state: known }]);
    assert.deepEqual(r.state, known);
    assert.equal(r.progress, true);
  });

  await t.step(
    "a timeout with the same version emits nothing and is not progress",
    () => {
      const r = reducePoll(known, answer({ timeout: true }));
      assert.deepEqual(r.events, []);
      assert.equal(r.progress, false);
      assert.deepEqual(r.state, known);
    },
  );

  await t.step(
    "each missed change is emitted once, oldest first, with from and to",
    () => {
      const r = reducePoll(
        known,
        answer({
          status: "Terminée",
          version: 5,
          updatedAt: "2025-01-01T00:00:05.000Z",
          changes: [
            {
              version: 5,
              status: "Terminée",
              at: "2025-01-01T00:00:05.000Z",
              source: "api",
            },
            {
              version: 4,
              status: "En cours",
              at: "2025-01-01T00:00:04.000Z",
              source: "api",
            },
          ],
        }),
      );
      assert.deepEqual(r.events, [
        {
          type: "change",
          from: "En attente",
          to: "En cours",
          version: 4,
          at: "2025-01-01T00:00:04.000Z",
          source: "api",
          state: {
            status: "En cours",
            version: 4,
            epoch: "e1",
            updatedAt: "2025-01-01T00:00:04.000Z",
          },
        },
        {
          type: "change",
          from: "En cours",
          to: "Terminée",
          version: 5,
          at: "2025-01-01T00:00:05.000Z",
          source: "api",
          state: {
            status: "Terminée",
            version: 5,
            epoch: "e1",
            updatedAt: "2025-01-01T00:00:05.000Z",
          },
        },
      ]);
      assert.equal(r.progress, true);
      assert.equal(r.state.version, 5);
    },
  );

  await t.step(
    "changes already seen or beyond the answer are not emitted again",
    () => {
      const r = reducePoll(
        known,
        answer({
          status: "En cours",
          version: 4,
          updatedAt: "t4",
          changes: [
            { version: 2, status: "En cours", at: "t2", source: "api" },
            { version: 3, status: "En attente", at: "t3", source: "api" },
            { version: 4, status: "En cours", at: "t4", source: "api" },
            { version: 4, status: "En cours", at: "t4", source: "api" },
          ],
        }),
      );
      assert.deepEqual(r.events.map((e) => e.type === "change" && e.version), [
        4,
      ]);
    },
  );

  await t.step(
    "a hole in the changes is reported as truncated before the next change",
    () => {
      const r = reducePoll(
        known,
        answer({
          status: "Échec",
          version: 10,
          updatedAt: "t10",
          truncated: true,
          changes: [
            { version: 9, status: "En cours", at: "t9", source: "api" },
            { version: 10, status: "Échec", at: "t10", source: "api" },
          ],
        }),
      );
      assert.deepEqual(r.events.map((e) => e.type), [
        "truncated",
        "change",
        "change",
      ]);
      assert.deepEqual(r.events[0], {
        type: "truncated",
        afterVersion: 3,
        missed: 5,
      });
      const first = r.events[1];
      assert.equal(first.type === "change" && first.from, "En attente");
    },
  );

  await t.step(
    "an answer without changes still yields its own state as a change",
    () => {
      const r = reducePoll(
        known,
        answer({ status: "En cours", version: 4, updatedAt: "t4" }),
      );
      assert.deepEqual(r.events, [{
        type: "change",
        from: "En attente",
        to: "En cours",
        version: 4,
        at: "t4",
        state: { status: "En cours", version: 4, epoch: "e1", updatedAt: "t4" },
      }]);
    },
  );

  await t.step(
    "a new epoch is a reset followed by a snapshot, not progress",
    () => {
      const fresh = {
        status: "En attente",
        version: 0,
        epoch: "e2",
        updatedAt: "t0",
      } as const;
      const r = reducePoll(known, answer({ ...fresh, reset: true }));
      assert.deepEqual(r.events, [
        { type: "reset", reason: "epoch", previous: known, state: fresh },
        { type: "snapshot", state: fresh },
      ]);
      assert.equal(r.progress, false);
      assert.deepEqual(r.state, fresh);
    },
  );

  await t.step("a new epoch resets even when its version is higher", () => {
    const r = reducePoll(known, answer({ epoch: "e2", version: 7 }));
    assert.deepEqual(r.events.map((e) => e.type), ["reset", "snapshot"]);
  });

  await t.step("a version behind ours in the same epoch is a reset", () => {
    const r = reducePoll(known, answer({ version: 1, reset: true }));
    assert.equal(r.events[0].type === "reset" && r.events[0].reason, "version");
  });

  await t.step("a reset flag alone is honoured", () => {
    const r = reducePoll(known, answer({ reset: true }));
    assert.equal(r.events[0].type === "reset" && r.events[0].reason, "server");
  });
});
