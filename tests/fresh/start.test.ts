import assert from "node:assert/strict";
import { start } from "$fresh/server.ts";
import { listenOptions, relistenDelay } from "../../lib/fresh/start.ts";
import manifest from "../fixtures/app/fresh.gen.ts";
import { APP, waitFor } from "./fixture.ts";
import { listeningUrl, spawnApp } from "./process.ts";

const MAIN = new URL("main.ts", APP);

Deno.test("PORT and HOSTNAME are read and checked", async (t) => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  await t.step("defaults: 3000 on every interface", () => {
    assert.deepEqual(listenOptions(env({})), {
      ok: true,
      port: 3000,
      hostname: "0.0.0.0",
    });
  });
  await t.step("PORT=0 asks for any free port", () => {
    assert.deepEqual(listenOptions(env({ PORT: "0", HOSTNAME: "::1" })), {
      ok: true,
      port: 0,
      hostname: "::1",
    });
  });
  await t.step("bad values are refused, naming the variable", () => {
    for (const port of ["abc", "", "-1", "65536", "80.5", " 80"]) {
      const parsed = listenOptions(env({ PORT: port }));
      assert.deepEqual(parsed, {
        ok: false,
        error: `PORT must be an integer from 0 to 65535, got ${
          JSON.stringify(port)
        }`,
      });
    }
    const host = listenOptions(env({ HOSTNAME: "a b" }));
    assert.equal(host.ok, false);
    assert.match(!host.ok ? host.error : "", /^HOSTNAME /);
  });
  await t.step("config.server wins over the environment", () => {
    assert.deepEqual(
      listenOptions(env({ PORT: "abc", HOSTNAME: "x y" }), {
        port: 8080,
        hostname: "127.0.0.1",
      }),
      { ok: true, port: 8080, hostname: "127.0.0.1" },
    );
  });
});

Deno.test("re-listening backs off while the descriptors stay exhausted", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(relistenDelay), [
    100,
    200,
    400,
    800,
    1600,
    3200,
    3200,
    3200,
  ]);
});

Deno.test("PORT=abc stops the app at start with one line naming PORT", async () => {
  const app = spawnApp({ main: MAIN, env: { PORT: "abc" } });
  const status = await app.exit();
  assert.notEqual(status.code, 0);
  assert.equal(
    app.stderr(),
    'error: PORT must be an integer from 0 to 65535, got "abc"\n',
  );
  assert.equal(app.stdout(), "");
});

Deno.test("SIGTERM runs every shutdown hook while still serving, then exits 0", async () => {
  const app = spawnApp({ main: MAIN });
  try {
    const url = await listeningUrl(app);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const held = fetch(`${url}/_probe/hold?log`).then((r) => r.text());
    await waitFor(
      () => app.stdout().includes("probe: holding"),
      10_000,
      "the held request",
    );
    app.child.kill("SIGTERM");
    await waitFor(
      () => app.stdout().includes("probe: shutdown started"),
      10_000,
      "the shutdown hook",
    );
    // The hook waits for this request: the server still listens.
    const ping = await fetch(`${url}/_probe/ping`);
    assert.equal(await ping.text(), "pong");
    assert.equal(await held, "held");
    const status = await app.exit();
    assert.equal(status.code, 0, app.stderr());
    assert.match(app.stdout(), /probe: shutdown finished, pinged: true\n/);
    assert.match(
      app.stderr(),
      /error: shutdown of plugin failing failed: Error: probe failure/,
    );
  } finally {
    await app.dispose();
  }
});

Deno.test("start() honours config.server: port, hostname, onListen and signal", async () => {
  const abort = new AbortController();
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const ran: string[] = [];
  const stopped = start(manifest, {
    plugins: [{ name: "hook", shutdown: () => void ran.push("shutdown") }],
    server: {
      port: 0,
      hostname: "127.0.0.1",
      signal: abort.signal,
      onListen: (addr) => listening.resolve(addr),
    },
  });
  const addr = await listening.promise;
  assert.equal(addr.hostname, "127.0.0.1");
  const res = await fetch(`http://127.0.0.1:${addr.port}/about`);
  assert.equal(res.status, 200);
  await res.body?.cancel();
  abort.abort();
  await stopped;
  assert.deepEqual(ran, ["shutdown"]);
  await assert.rejects(fetch(`http://127.0.0.1:${addr.port}/about`));
});
