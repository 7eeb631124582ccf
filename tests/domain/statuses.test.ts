import assert from "node:assert/strict";
import { parseStatus, STATUSES } from "../../lib/domain/statuses.ts";

Deno.test("status parsing", async (t) => {
  await t.step("accepts each of the four statuses exactly", () => {
    for (const status of STATUSES) {
      assert.deepEqual(parseStatus(status), { ok: true, status });
    }
  });
  await t.step("accepts a decomposed É by normalising to NFC", () => {
    const decomposed = "E\u0301chec";
    assert.notEqual(decomposed, "Échec");
    assert.deepEqual(parseStatus(decomposed), { ok: true, status: "Échec" });
    assert.deepEqual(parseStatus("Termine\u0301e"), {
      ok: true,
      status: "Terminée",
    });
  });
  await t.step("refuses the wrong case", () => {
    const result = parseStatus("en cours");
    assert.equal(result.ok, false);
    assert.match(
      !result.ok ? result.error : "",
      /must be one of "En attente", "En cours"/,
    );
  });
  await t.step("refuses a trailing space", () => {
    assert.equal(parseStatus("En cours ").ok, false);
  });
  await t.step("refuses a non-string", () => {
    for (
      const value of [1, null, undefined, ["En cours"], { status: "En cours" }]
    ) {
      const result = parseStatus(value);
      assert.deepEqual(result, { ok: false, error: "status must be a string" });
    }
  });
});
