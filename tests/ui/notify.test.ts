import assert from "node:assert/strict";
import {
  alertTitle,
  notificationText,
  notifyWay,
  shouldNotify,
} from "../../lib/ui/notify.ts";

Deno.test("a viewer who asked is told of a final status while the tab is hidden", async (t) => {
  await t.step("told: asked, hidden, and the task just ended", () => {
    assert.equal(shouldNotify("En cours", "Terminée", true, true), true);
    assert.equal(shouldNotify("En cours", "Échec", true, true), true);
  });
  await t.step("not told: they did not ask", () => {
    assert.equal(shouldNotify("En cours", "Terminée", false, true), false);
  });
  await t.step("not told: they are looking at the page", () => {
    assert.equal(shouldNotify("En cours", "Terminée", true, false), false);
  });
  await t.step("not told: the status is not final, or did not change", () => {
    assert.equal(shouldNotify("En attente", "En cours", true, true), false);
    assert.equal(shouldNotify("Terminée", "Terminée", true, true), false);
  });
});

Deno.test("notifications where granted, else a sound and the title", () => {
  assert.equal(notifyWay("granted"), "notification");
  assert.equal(notifyWay("denied"), "sound");
  assert.equal(notifyWay("default"), "sound");
  assert.equal(notifyWay(undefined), "sound");
});

Deno.test("what the viewer is told names the task and the status", () => {
  assert.deepEqual(notificationText("Échec", "Déploiement"), {
    title: "Déploiement : Échec",
    body: "La tâche s'est arrêtée sur une erreur.",
  });
  assert.equal(
    alertTitle("Terminée", "Déploiement"),
    "(!) Terminée — Déploiement",
  );
});
