import assert from "node:assert/strict";
import { answerUpdate, parseUpdateBody } from "../../lib/http/update_status.ts";
import { testService } from "../support/service.ts";

/** A client on this machine: without ADMIN_TOKEN only such a client may update. */
const LOCAL: Deno.NetAddr = {
  transport: "tcp",
  hostname: "127.0.0.1",
  port: 40_000,
};

function post(body: string, headers: Record<string, string> = {}): Request {
  return new Request("http://localhost/update-status", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

Deno.test("update body parsing", async (t) => {
  await t.step("reads a status and an optional expected version", () => {
    assert.deepEqual(parseUpdateBody('{"status":"En cours"}'), {
      ok: true,
      request: { status: "En cours" },
    });
    assert.deepEqual(
      parseUpdateBody('{"status":"Échec","expected_version":3}'),
      {
        ok: true,
        request: { status: "Échec", expectedVersion: 3 },
      },
    );
  });
  await t.step(
    "refuses what is not JSON, not an object, or has no string status",
    () => {
      for (
        const text of ["nope", "[]", "null", '"En cours"', "{}", '{"status":1}']
      ) {
        const result = parseUpdateBody(text);
        assert.equal(result.ok, false, text);
      }
    },
  );
  await t.step("lists the allowed statuses for an unknown one", () => {
    assert.deepEqual(parseUpdateBody('{"status":"Done"}'), {
      ok: false,
      error:
        'unknown status "Done": status must be one of "En attente", "En cours", "Terminée", "Échec"',
      allowed: ["En attente", "En cours", "Terminée", "Échec"],
    });
  });
  await t.step(
    "refuses an expected version that is not a non-negative integer",
    () => {
      for (const bad of ["-1", "1.5", '"3"', "null"]) {
        const result = parseUpdateBody(
          `{"status":"En cours","expected_version":${bad}}`,
        );
        assert.equal(result.ok, false, bad);
        assert.match(!result.ok ? result.error : "", /expected_version/);
      }
    },
  );
});

Deno.test("update handler", async (t) => {
  await t.step(
    "a change answers 200 with the new state and counts it",
    async () => {
      const service = testService();
      const response = await answerUpdate(
        post('{"status":"En cours"}'),
        service,
        LOCAL,
      );
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(body.message, "Statut mis à jour avec succès");
      assert.equal(body.version, 1);
      assert.equal(service.metrics.updatesTotal, 1);
    },
  );
  await t.step("the same status answers Statut inchangé", async () => {
    const service = testService();
    const body = await (await answerUpdate(
      post('{"status":"En attente"}'),
      service,
      LOCAL,
    ))
      .json();
    assert.equal(body.message, "Statut inchangé");
    assert.equal(body.version, 0);
  });
  await t.step(
    "a stale expected version answers 409 with the current state",
    async () => {
      const service = testService();
      await answerUpdate(post('{"status":"En cours"}'), service, LOCAL).then((
        r,
      ) => r.body?.cancel());
      const response = await answerUpdate(
        post('{"status":"Échec","expected_version":0}'),
        service,
        LOCAL,
      );
      assert.equal(response.status, 409);
      const body = await response.json();
      assert.match(
        body.error,
        /expected_version 0 is not the current version 1/,
      );
      assert.equal(body.status, "En cours");
      assert.equal(service.store.hub.state.status, "En cours");
    },
  );
  await t.step("a body that is not JSON by type answers 415", async () => {
    const service = testService();
    const response = await answerUpdate(
      post("status=En+cours", {
        "content-type": "application/x-www-form-urlencoded",
      }),
      service,
      LOCAL,
    );
    assert.equal(response.status, 415);
    assert.match((await response.json()).error, /Content-Type/);
  });
  await t.step(
    "a body over 4 KiB answers 413 and changes nothing",
    async () => {
      const service = testService();
      const big = JSON.stringify({ status: "En cours", pad: "x".repeat(5000) });
      const response = await answerUpdate(post(big), service, LOCAL);
      assert.equal(response.status, 413);
      await response.body?.cancel();
      assert.equal(service.store.hub.state.version, 0);
    },
  );
  await t.step(
    "with ADMIN_TOKEN, a missing or wrong token answers 401",
    async () => {
      const service = testService({ adminToken: "s3cret" });
      const attempts: Record<string, string>[] = [
        {},
        { authorization: "Bearer nope" },
        { authorization: "s3cret" },
      ];
      for (const headers of attempts) {
        const response = await answerUpdate(
          post('{"status":"En cours"}', headers),
          service,
          LOCAL,
        );
        assert.equal(response.status, 401);
        assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
        await response.body?.cancel();
      }
      const ok = await answerUpdate(
        post('{"status":"En cours"}', { authorization: "Bearer s3cret" }),
        service,
        LOCAL,
      );
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
    },
  );
});

Deno.test("a change is answered after one turn of the event loop, so what arrived meanwhile is served first", async () => {
  const service = testService();
  const order: string[] = [];
  const answered = answerUpdate(post('{"status":"En cours"}'), service, LOCAL)
    .then((response) => {
      order.push(`answer ${response.status}`);
    });
  // Stands for the requests already waiting to be read when the change is applied.
  setTimeout(() => order.push("waiting request"), 0);
  await answered;
  assert.deepEqual(order, ["waiting request", "answer 200"]);

  // An update that changes nothing has nothing to wait for.
  order.length = 0;
  const same = answerUpdate(post('{"status":"En cours"}'), service, LOCAL)
    .then((response) => {
      order.push(`answer ${response.status}`);
    });
  setTimeout(() => order.push("waiting request"), 0);
  await same;
  assert.deepEqual(order, ["answer 200"]);
  await new Promise((resolve) => setTimeout(resolve, 0));
});
