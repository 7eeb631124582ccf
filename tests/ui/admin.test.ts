import assert from "node:assert/strict";
import { StatusApiError } from "../../lib/client/errors.ts";
import {
  adminReducer,
  type AdminState,
  describeUpdateError,
  keepToken,
  planChoice,
  readToken,
  secondsLeft,
  type TokenStorage,
  UNDO_MS,
} from "../../lib/ui/admin.ts";

function memoryStorage(): TokenStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

const AT = 1_000_000;

Deno.test("a final status waits a few seconds; the others go at once", async (t) => {
  await t.step("En cours and En attente are sent at once", () => {
    assert.equal(planChoice({}, "En cours", "En attente"), "send");
    assert.equal(planChoice({}, "En attente", "En cours"), "send");
  });
  await t.step("Terminée and Échec wait, with annuler", () => {
    assert.equal(planChoice({}, "Terminée", "En cours"), "arm");
    assert.equal(planChoice({}, "Échec", "En cours"), "arm");
    const armed = adminReducer({}, {
      type: "arm",
      status: "Échec",
      version: 7,
      at: AT,
    });
    assert.deepEqual(armed.pending, {
      status: "Échec",
      version: 7,
      dueAt: AT + UNDO_MS,
    });
    assert.equal(secondsLeft(armed.pending!, AT), UNDO_MS / 1000);
    assert.equal(secondsLeft(armed.pending!, AT + UNDO_MS - 1), 1);
    assert.equal(secondsLeft(armed.pending!, AT + UNDO_MS + 50), 0);
  });
  await t.step("annuler takes it back and says nothing was sent", () => {
    const armed = adminReducer({}, {
      type: "arm",
      status: "Terminée",
      version: 1,
      at: AT,
    });
    const cancelled = adminReducer(armed, { type: "cancel" });
    assert.equal(cancelled.pending, undefined);
    assert.deepEqual(cancelled.feedback, {
      tone: "info",
      text: "Annulé : « Terminée » n'a pas été envoyé.",
    });
  });
  await t.step(
    "the current status, or a click while one is in flight, does nothing",
    () => {
      assert.equal(planChoice({}, "En cours", "En cours"), "ignore");
      assert.equal(
        planChoice({ sending: "En cours" }, "Terminée", "En attente"),
        "ignore",
      );
      assert.equal(
        planChoice(
          { dialog: { status: "Échec", version: 1 } },
          "En cours",
          "En attente",
        ),
        "ignore",
      );
    },
  );
});

Deno.test("failed updates are told in French only", async (t) => {
  await t.step("401: the token dialog, refused when one was sent", () => {
    assert.deepEqual(
      describeUpdateError(new StatusApiError(401, "needs the admin token", {})),
      { kind: "token", refused: false },
    );
  });
  await t.step("409: a concurrent change", () => {
    const failure = describeUpdateError(
      new StatusApiError(
        409,
        "expected_version 23 is not the current version 24",
        {},
      ),
    );
    assert.deepEqual(failure, { kind: "conflict" });
    const state = adminReducer({ sending: "Échec" }, {
      type: "failed",
      status: "Échec",
      version: 23,
      failure,
    });
    assert.equal(state.sending, undefined);
    assert.match(
      state.feedback?.text ?? "",
      /^Le statut a changé entre-temps : « Échec » n'a pas été envoyé\./,
    );
    assert.doesNotMatch(
      state.feedback?.text ?? "",
      /expected_version|version 2/,
    );
  });
  await t.step("no answer at all", () => {
    assert.deepEqual(describeUpdateError(new TypeError("Failed to fetch")), {
      kind: "network",
    });
  });
  await t.step("other refusals, without the server's English", () => {
    const cases: [number, string][] = [
      [
        403,
        "ce serveur n'accepte les changements que depuis sa propre machine",
      ],
      [400, "le serveur a refusé la demande (400)"],
      [503, "le serveur est saturé, réessayez dans un instant"],
      [500, "erreur du serveur (500), réessayez dans un instant"],
      [507, "le serveur ne peut plus enregistrer de nouvelle tâche"],
    ];
    for (const [status, text] of cases) {
      assert.deepEqual(
        describeUpdateError(new StatusApiError(status, "some English", {})),
        { kind: "refused", text },
      );
    }
  });
});

Deno.test("a message about the network goes when the connection comes back", () => {
  const failed = adminReducer({ sending: "En cours" }, {
    type: "failed",
    status: "En cours",
    version: 2,
    failure: { kind: "network" },
  });
  assert.match(failed.feedback?.text ?? "", /^Serveur injoignable/);
  assert.equal(adminReducer(failed, { type: "connected" }).feedback, undefined);
  // Other messages stay until the next action.
  const conflict: AdminState = adminReducer({}, {
    type: "failed",
    status: "En cours",
    version: 2,
    failure: { kind: "conflict" },
  });
  assert.equal(adminReducer(conflict, { type: "connected" }), conflict);
  assert.equal(
    adminReducer(conflict, { type: "send", status: "En cours" }).feedback,
    undefined,
  );
});

Deno.test("the token dialog names its change, checks the token, and can be dismissed", async (t) => {
  const asked = adminReducer({ sending: "Terminée" }, {
    type: "failed",
    status: "Terminée",
    version: 4,
    failure: { kind: "token", refused: false },
  });
  await t.step("a 401 opens it for that change and version", () => {
    assert.deepEqual(asked.dialog, { status: "Terminée", version: 4 });
    assert.equal(asked.sending, undefined);
  });
  await t.step("while the typed token is tried, the dialog stays open", () => {
    const checking = adminReducer(asked, { type: "send", status: "Terminée" });
    assert.deepEqual(checking.dialog, asked.dialog);
    assert.equal(checking.sending, "Terminée");
    const refused = adminReducer(checking, {
      type: "failed",
      status: "Terminée",
      version: 4,
      failure: { kind: "token", refused: true },
    });
    assert.equal(
      refused.dialog?.error,
      "Jeton refusé : vérifiez-le et réessayez.",
    );
    assert.deepEqual(adminReducer(checking, { type: "sent" }), {});
  });
  await t.step("dismissed, it says nothing was sent", () => {
    const dismissed = adminReducer(asked, { type: "dismiss" });
    assert.equal(dismissed.dialog, undefined);
    assert.match(
      dismissed.feedback?.text ?? "",
      /« Terminée » n'a pas été envoyé \(jeton/,
    );
  });
});

Deno.test("the admin token is kept in the storage it is given (sessionStorage in the page)", async (t) => {
  await t.step("kept, read back, forgotten with an empty token", () => {
    const storage = memoryStorage();
    assert.equal(readToken(storage), undefined);
    keepToken(storage, "s3cret");
    assert.equal(readToken(storage), "s3cret");
    keepToken(storage, "");
    assert.equal(readToken(storage), undefined);
    assert.equal(storage.data.size, 0);
  });
  await t.step(
    "a storage that throws (private mode) means no token, not a crash",
    () => {
      const hostile: TokenStorage = {
        getItem: () => {
          throw new Error("denied");
        },
        setItem: () => {
          throw new Error("denied");
        },
        removeItem: () => {
          throw new Error("denied");
        },
      };
      keepToken(hostile, "x");
      assert.equal(readToken(hostile), undefined);
      assert.equal(readToken(undefined), undefined);
    },
  );
});
