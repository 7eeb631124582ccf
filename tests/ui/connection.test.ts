import assert from "node:assert/strict";
import { PollStalledError, StatusApiError } from "../../lib/client/errors.ts";
import {
  type Connection,
  describeFailure,
  indicatorOf,
  isUnreachable,
  nextTryAt,
  VISIBLE_RETRY_MS,
  visibleRetryIn,
} from "../../lib/ui/connection.ts";

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
          failedAt: now,
          retryAt: now + 4_200,
          reason: "serveur saturé (503)",
          unreachable: false,
        },
        true,
        now,
      );
      assert.equal(indicator.kind, "reconnecting");
      assert.equal(indicator.label, "Reconnexion");
      assert.equal(
        indicator.detail,
        "nouvel essai dans 5 s (tentative 3) — serveur saturé (503)",
      );
    },
  );
  await t.step("reconnecting once the try is due", () => {
    const indicator = indicatorOf(
      {
        kind: "reconnecting",
        attempt: 1,
        failedAt: now - 500,
        retryAt: now - 10,
        reason: "x",
        unreachable: true,
      },
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

Deno.test("an unreachable server is tried again within seconds while the tab is seen", async (t) => {
  const failedAt = 50_000;
  const away: Connection = {
    kind: "reconnecting",
    attempt: 6,
    failedAt,
    retryAt: failedAt + 25_000,
    reason: "serveur injoignable",
    unreachable: true,
  };
  await t.step(
    "visible: the next try comes within VISIBLE_RETRY_MS of the failure",
    () => {
      assert.equal(nextTryAt(away, true), failedAt + VISIBLE_RETRY_MS);
      assert.equal(visibleRetryIn(away, true, failedAt + 500), 1_500);
      assert.match(
        indicatorOf(away, true, failedAt + 500, true).detail ?? "",
        /^nouvel essai dans 2 s/,
      );
    },
  );
  await t.step("hidden: the backoff runs its course", () => {
    assert.equal(nextTryAt(away, false), failedAt + 25_000);
    assert.equal(visibleRetryIn(away, false, failedAt), undefined);
  });
  await t.step("a server that answered is left the time it asked for", () => {
    const refused: Connection = { ...away, unreachable: false };
    assert.equal(visibleRetryIn(refused, true, failedAt), undefined);
    assert.equal(nextTryAt(refused, true), failedAt + 25_000);
  });
  await t.step("a backoff already shorter is left alone", () => {
    const soon: Connection = { ...away, retryAt: failedAt + 800 };
    assert.equal(visibleRetryIn(soon, true, failedAt), undefined);
  });
  await t.step("nothing to cut short while connected", () => {
    assert.equal(visibleRetryIn({ kind: "live" }, true, failedAt), undefined);
  });
});

Deno.test("only a failure without an answer counts as unreachable", () => {
  assert.equal(isUnreachable(new TypeError("fetch failed")), true);
  assert.equal(isUnreachable(new PollStalledError(30_000)), true);
  assert.equal(isUnreachable(new StatusApiError(503, "busy", {}, 1000)), false);
});
