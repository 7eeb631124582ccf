import assert from "node:assert/strict";
import { StatusApiError } from "../../lib/client/errors.ts";
import {
  describeUpdateError,
  keepToken,
  readToken,
  type TokenStorage,
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

Deno.test("describeUpdateError: 401 asks for the token", async (t) => {
  await t.step("when none was sent", () => {
    assert.deepEqual(
      describeUpdateError(
        new StatusApiError(401, "missing bearer token", {}),
        false,
      ),
      { needsToken: true, message: "jeton d'administration requis" },
    );
  });
  await t.step("again when the one sent was refused", () => {
    assert.deepEqual(
      describeUpdateError(new StatusApiError(401, "bad token", {}), true),
      { needsToken: true, message: "jeton d'administration refusé" },
    );
  });
});

Deno.test("describeUpdateError shows the server's own message for other refusals", () => {
  const cases: [number, RegExp][] = [
    [400, /^demande invalide \(400\) : the message$/],
    [409, /^le statut a changé entre-temps \(409\) : the message$/],
    [413, /^demande trop volumineuse \(413\)/],
    [415, /^format de demande refusé \(415\) : the message$/],
    [500, /^erreur du serveur \(500\) : the message$/],
    [503, /^service indisponible \(503\) : the message$/],
    [418, /^demande refusée \(418\)/],
  ];
  for (const [status, expected] of cases) {
    const failure = describeUpdateError(
      new StatusApiError(status, "the message", {}),
      false,
    );
    assert.equal(failure.needsToken, false);
    assert.match(failure.message, expected);
  }
});

Deno.test("describeUpdateError: a network failure says the server was not reached", () => {
  const failure = describeUpdateError(new TypeError("Failed to fetch"), false);
  assert.deepEqual(failure, {
    needsToken: false,
    message: "serveur injoignable, réessayez dans un instant",
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
