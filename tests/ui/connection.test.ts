import assert from "node:assert/strict";
import { PollStalledError, StatusApiError } from "../../lib/client/errors.ts";
import { describeFailure, indicatorOf } from "../../lib/ui/connection.ts";

Deno.test("the indicator has a distinct label for every state", async (t) => {
  const now = 100_000;
  await t.step("connecting", () => {
    assert.deepEqual(indicatorOf({ kind: "connecting" }, true, now), {
      kind: "connecting",
      label: "Connexion…",
    });
  });
  await t.step("live", () => {
    assert.deepEqual(indicatorOf({ kind: "live" }, true, now), {
      kind: "live",
      label: "En direct",
    });
  });
  await t.step(
    "reconnecting counts down to the next try and shows the attempt",
    () => {
      const indicator = indicatorOf(
        {
          kind: "reconnecting",
          attempt: 3,
          retryAt: now + 4_200,
          reason: "serveur injoignable",
        },
        true,
        now,
      );
      assert.equal(indicator.kind, "reconnecting");
      assert.equal(indicator.label, "Reconnexion");
      assert.equal(
        indicator.detail,
        "nouvel essai dans 5 s (tentative 3) — serveur injoignable",
      );
    },
  );
  await t.step("reconnecting once the try is due", () => {
    const indicator = indicatorOf(
      { kind: "reconnecting", attempt: 1, retryAt: now - 10, reason: "x" },
      true,
      now,
    );
    assert.match(indicator.detail ?? "", /^nouvel essai… \(tentative 1\)/);
  });
  await t.step("offline beats whatever the poll says", () => {
    for (
      const connection of [{ kind: "live" as const }, {
        kind: "connecting" as const,
      }]
    ) {
      const indicator = indicatorOf(connection, false, now);
      assert.equal(indicator.kind, "offline");
      assert.equal(indicator.label, "Hors ligne");
    }
  });
});

Deno.test("describeFailure says why a poll failed in words", () => {
  assert.equal(
    describeFailure(new TypeError("fetch failed")),
    "serveur injoignable",
  );
  assert.equal(
    describeFailure(new PollStalledError(30_000)),
    "le serveur ne répond plus",
  );
  assert.equal(
    describeFailure(new StatusApiError(503, "too many", {}, 1000)),
    "serveur saturé (503)",
  );
  assert.equal(
    describeFailure(new StatusApiError(502, "bad gateway", {})),
    "erreur du serveur (502)",
  );
  assert.equal(
    describeFailure(new StatusApiError(200, "no state", "<html>")),
    "réponse illisible du serveur",
  );
  assert.equal(
    describeFailure(new StatusApiError(400, "bad", {})),
    "refus du serveur (400)",
  );
});
