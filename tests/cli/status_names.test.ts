import assert from "node:assert/strict";
import { matchStatusName, statusChoices } from "../../lib/cli/status_names.ts";
import { STATUSES } from "../../lib/domain/statuses.ts";

Deno.test("status names on the command line", async (t) => {
  await t.step("accept each status exactly", () => {
    for (const status of STATUSES) {
      assert.equal(matchStatusName(status), status);
    }
  });
  await t.step("ignore case, accents and separators", () => {
    const cases: [string, string][] = [
      ["en-cours", "En cours"],
      ["en cours", "En cours"],
      ["EN_COURS", "En cours"],
      ["  en   cours ", "En cours"],
      ["en-attente", "En attente"],
      ["terminee", "Terminée"],
      ["TERMINÉE", "Terminée"],
      ["echec", "Échec"],
      ["Echec", "Échec"],
      ["E\u0301chec", "Échec"],
    ];
    for (const [input, status] of cases) {
      assert.equal(matchStatusName(input), status, input);
    }
  });
  await t.step("refuse anything else", () => {
    for (const input of ["", "encours", "termine", "done", "en cours!"]) {
      assert.equal(matchStatusName(input), undefined, input);
    }
  });
  await t.step("list the four exact values", () => {
    assert.equal(
      statusChoices(),
      '"En attente", "En cours", "Terminée", "Échec"',
    );
  });
});
