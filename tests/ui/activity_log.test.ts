import assert from "node:assert/strict";
import {
  describeEntry,
  LOG_CAP,
  type LogEntry,
  prepend,
} from "../../lib/ui/activity_log.ts";

function entry(id: number): LogEntry {
  return { id, at: id * 1000, kind: "restored" };
}

Deno.test("prepend puts the newest entry first", () => {
  const log = prepend(prepend([], entry(1)), entry(2));
  assert.deepEqual(log.map((e) => e.id), [2, 1]);
});

Deno.test("prepend keeps at most the cap, dropping the oldest", () => {
  let log: LogEntry[] = [];
  for (let id = 1; id <= LOG_CAP + 5; id++) log = prepend(log, entry(id));
  assert.equal(log.length, LOG_CAP);
  assert.equal(log[0].id, LOG_CAP + 5);
  assert.equal(log.at(-1)?.id, 6);
  assert.deepEqual(prepend(log, entry(999), 3).map((e) => e.id), [
    999,
    LOG_CAP + 5,
    LOG_CAP + 4,
  ]);
});

Deno.test("describeEntry tells each kind in French with a tone", async (t) => {
  await t.step("a change says from, to and version", () => {
    assert.deepEqual(
      describeEntry({
        kind: "change",
        from: "En attente",
        to: "En cours",
        version: 3,
      }),
      { text: "En attente → En cours (version 3)", tone: "info" },
    );
  });
  await t.step(
    "connection lost gives the reason, restored is good news",
    () => {
      assert.deepEqual(
        describeEntry({ kind: "lost", reason: "serveur injoignable" }),
        {
          text: "Connexion perdue : serveur injoignable",
          tone: "error",
        },
      );
      assert.equal(describeEntry({ kind: "restored" }).tone, "success");
    },
  );
  await t.step("a resync names the new status and version", () => {
    const { text, tone } = describeEntry({
      kind: "reset",
      status: "Échec",
      version: 0,
    });
    assert.match(text, /Resynchronisé.*Échec \(version 0\)/);
    assert.equal(tone, "warning");
  });
  await t.step("missed changes are counted, singular and plural", () => {
    assert.match(
      describeEntry({ kind: "truncated", missed: 1 }).text,
      /^1 changement manqué/,
    );
    assert.match(
      describeEntry({ kind: "truncated", missed: 7 }).text,
      /^7 changements manqués/,
    );
  });
  await t.step("admin actions and their errors", () => {
    assert.deepEqual(
      describeEntry({
        kind: "admin",
        status: "Terminée",
        message: "Statut mis à jour avec succès",
        version: 4,
      }),
      {
        text:
          "Action admin « Terminée » : Statut mis à jour avec succès (version 4)",
        tone: "success",
      },
    );
    assert.deepEqual(
      describeEntry({
        kind: "admin-error",
        status: "Échec",
        message: "jeton refusé",
      }),
      { text: "Action admin « Échec » refusée : jeton refusé", tone: "error" },
    );
  });
  await t.step("browser offline and back online", () => {
    assert.equal(
      describeEntry({ kind: "offline" }).text,
      "Navigateur hors ligne",
    );
    assert.equal(describeEntry({ kind: "online" }).tone, "success");
  });
});
