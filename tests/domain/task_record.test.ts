import assert from "node:assert/strict";
import {
  decideTaskUpdate,
  withIdentity,
} from "../../lib/domain/task_record.ts";
import { UNSET_EPOCH, unsetStatus } from "../../lib/domain/stored_record.ts";

const since = new Date("2026-01-01T00:00:00.000Z");
const now = new Date("2026-01-01T01:00:00.000Z");

Deno.test("a task's record under updates", async (t) => {
  await t.step(
    "a task never stored reads as En attente, version 0, epoch unset",
    () => {
      assert.deepEqual(unsetStatus(since).state, {
        status: "En attente",
        version: 0,
        epoch: UNSET_EPOCH,
        updatedAt: since.toISOString(),
      });
    },
  );
  await t.step(
    "its first change stores it at version 1 under a fresh epoch",
    () => {
      const decided = decideTaskUpdate(
        undefined,
        { status: "En cours", source: "cli", actor: "bob" },
        now,
        since,
        "E1",
      );
      assert.equal(decided.kind, "changed");
      if (decided.kind !== "changed") return;
      assert.equal(decided.created, true);
      assert.deepEqual(decided.record, {
        state: {
          status: "En cours",
          version: 1,
          epoch: "E1",
          updatedAt: now.toISOString(),
        },
        history: [{
          version: 1,
          status: "En cours",
          at: now.toISOString(),
          source: "cli",
          actor: "bob",
        }],
      });
    },
  );
  await t.step(
    "setting En attente on a task never stored stores nothing",
    () => {
      const decided = decideTaskUpdate(
        undefined,
        { status: "En attente" },
        now,
        since,
        "E1",
      );
      assert.equal(decided.kind, "unchanged");
    },
  );
  await t.step(
    "an update keeps the identity; an identity keeps the state",
    () => {
      const { record } = withIdentity(undefined, { name: "Build" }, now, "E2");
      assert.equal(record.state.version, 0);
      assert.equal(record.state.epoch, "E2");
      const decided = decideTaskUpdate(
        record,
        { status: "Échec" },
        now,
        since,
        "E3",
      );
      assert.equal(decided.kind === "changed" && decided.created, false);
      assert.deepEqual(
        decided.kind === "changed" && decided.record.identity,
        { name: "Build" },
      );
      assert.equal(decided.state.epoch, "E2");
      assert.equal(
        decided.kind === "changed" && decided.record.history[0].source,
        "api",
      );
    },
  );
});
