import assert from "node:assert/strict";
import { waitVerdict } from "../../lib/cli/wait_rule.ts";

Deno.test("when wait is done", async (t) => {
  await t.step(
    "by default: Terminée exits 0, Échec exits 1, others wait",
    () => {
      assert.equal(waitVerdict("Terminée"), 0);
      assert.equal(waitVerdict("Échec"), 1);
      assert.equal(waitVerdict("En cours"), undefined);
      assert.equal(waitVerdict("En attente"), undefined);
    },
  );
  await t.step(
    "with --until a running status: only that status ends it",
    () => {
      assert.equal(waitVerdict("En cours", "En cours"), 0);
      assert.equal(waitVerdict("Terminée", "En cours"), undefined);
      assert.equal(waitVerdict("Échec", "En cours"), undefined);
    },
  );
  await t.step(
    "with --until a final status: the other final status exits 1",
    () => {
      assert.equal(waitVerdict("Échec", "Échec"), 0);
      assert.equal(waitVerdict("Terminée", "Échec"), 1);
      assert.equal(waitVerdict("Échec", "Terminée"), 1);
      assert.equal(waitVerdict("En cours", "Échec"), undefined);
    },
  );
});
