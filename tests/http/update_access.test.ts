import assert from "node:assert/strict";
import { answerUpdate } from "../../lib/http/update_status.ts";
import { updateRefusal } from "../../lib/http/update_access.ts";
import { testService } from "../support/service.ts";

const peer = (hostname: string): Deno.NetAddr => ({
  transport: "tcp",
  hostname,
  port: 50_000,
});

function post(
  url = "http://127.0.0.1:8000/update-status",
  headers: Record<string, string> = {},
): Request {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: '{"status":"Échec"}',
  });
}

Deno.test("without ADMIN_TOKEN only this machine may update", async (t) => {
  await t.step(
    "a client at another address gets 403 naming ADMIN_TOKEN, and nothing changes",
    async () => {
      for (
        const address of [
          "203.0.113.7",
          "192.168.1.20",
          "::ffff:10.0.0.1",
          "fe80::1",
        ]
      ) {
        const service = testService();
        const response = await answerUpdate(post(), service, peer(address));
        assert.equal(response.status, 403, address);
        assert.match(
          response.headers.get("content-type") ?? "",
          /^application\/json/,
        );
        const body = await response.json();
        assert.match(
          body.error,
          new RegExp(
            `updates from ${address.replace(/\./g, "\\.")} are refused`,
          ),
        );
        assert.match(body.error, /set ADMIN_TOKEN/);
        assert.equal(service.store.hub.state.version, 0);
        assert.equal(service.store.hub.state.status, "En attente");
        assert.equal(service.metrics.updatesTotal, 0);
      }
    },
  );
  await t.step(
    "loopback clients update, IPv4, IPv6 and IPv4-mapped",
    async () => {
      for (
        const [address, url] of [
          ["127.0.0.1", "http://127.0.0.1:8000/update-status"],
          ["127.0.0.2", "http://localhost:8000/update-status"],
          ["::1", "http://[::1]:8000/update-status"],
          ["::ffff:127.0.0.1", "http://localhost:8000/update-status"],
        ]
      ) {
        const service = testService();
        const response = await answerUpdate(post(url), service, peer(address));
        assert.equal(response.status, 200, address);
        assert.equal((await response.json()).status, "Échec");
      }
    },
  );
  await t.step(
    "a loopback client that names another host (DNS rebinding) gets 403",
    async () => {
      const service = testService();
      const response = await answerUpdate(
        post("http://attacker.example:8000/update-status"),
        service,
        peer("127.0.0.1"),
      );
      assert.equal(response.status, 403);
      assert.match(
        (await response.json()).error,
        /updates addressed to attacker\.example are refused.*ADMIN_TOKEN/,
      );
      assert.equal(service.store.hub.state.version, 0);
    },
  );
});

Deno.test("with ADMIN_TOKEN the token decides, wherever the client is", async () => {
  const service = testService({ adminToken: "s3cret" });
  const far = peer("203.0.113.7");
  const refused = await answerUpdate(
    post("http://status.example/update-status"),
    service,
    far,
  );
  assert.equal(refused.status, 401);
  await refused.body?.cancel();
  const local = await answerUpdate(post(), service, peer("127.0.0.1"));
  assert.equal(local.status, 401, "loopback is no substitute for the token");
  await local.body?.cancel();
  assert.equal(service.store.hub.state.version, 0);
  const ok = await answerUpdate(
    post("http://status.example/update-status", {
      authorization: "Bearer s3cret",
    }),
    service,
    far,
  );
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).version, 1);
});

Deno.test("the refusal is decided before the body is read", async () => {
  const request = post();
  const refusal = updateRefusal(request, undefined, peer("198.51.100.1"));
  assert.equal(refusal?.status, 403);
  await refusal?.body?.cancel();
  assert.equal(request.bodyUsed, false);
  assert.equal(updateRefusal(request, undefined, peer("127.0.0.1")), undefined);
});
