/**
 * Safe by default, over HTTP against the real app: security headers on every
 * kind of answer, updates from this machine only without ADMIN_TOKEN (and a
 * start-up line that says so), and the token settings that stop the start.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startApp } from "../support/server.ts";

const sha256 = (text: string) =>
  `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** The directives of a CSP, by name. */
function directives(policy: string | null): Map<string, string[]> {
  assert.ok(policy, "a Content-Security-Policy header");
  return new Map(
    policy.split(";").map((d) => d.trim().split(/\s+/)).map((
      [name, ...sources],
    ) => [name, sources]),
  );
}

/**
 * Runs the app expecting it to stop at start; an app that starts instead is
 * killed after `timeoutMs` and reported, rather than waited for.
 */
async function exitAtStart(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: new URL("../../", import.meta.url),
    env: {
      PORT: "0",
      HOSTNAME: "127.0.0.1",
      STATUS_STORE: "memory",
      NO_COLOR: "1",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let started = false;
  const timer = setTimeout(() => {
    started = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const out = await child.output();
  clearTimeout(timer);
  const text = new TextDecoder();
  const output = text.decode(out.stdout) + text.decode(out.stderr);
  assert.ok(!started, `the app started instead of stopping:\n${output}`);
  return { code: out.code, output };
}

/** Sends `request` as is and reads the answer until the server closes. */
async function exchange(port: number, request: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(request));
  return await new Response(conn.readable).text();
}

function assertCommon(response: Response, what: string, frame = "DENY") {
  assert.equal(response.headers.get("x-content-type-options"), "nosniff", what);
  assert.equal(response.headers.get("referrer-policy"), "same-origin", what);
  assert.equal(response.headers.get("x-frame-options"), frame, what);
}

Deno.test("every answer carries the security headers", async (t) => {
  const app = await startApp();
  try {
    await t.step(
      "the page: its own inline code by hash, no framing",
      async () => {
        const response = await fetch(`${app.url}/`);
        const html = await response.text();
        assertCommon(response, "/");
        const policy = directives(
          response.headers.get("content-security-policy"),
        );
        assert.deepEqual(policy.get("frame-ancestors"), ["'none'"]);
        // The inline scripts that run: the hydration script, no data block.
        const scripts = [
          ...html.matchAll(
            /<script(?: type="module")?>([\s\S]*?)<\/script>/g,
          ),
        ].map(([, js]) => sha256(js));
        assert.ok(scripts.length >= 1, "the page has its hydration script");
        assert.deepEqual(policy.get("script-src"), ["'self'", ...scripts]);
        const styles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)];
        assert.ok(styles.length >= 2, "_app's and twind's styles");
        for (const [, css] of styles) {
          assert.ok(
            policy.get("style-src")?.includes(sha256(css)),
            css.slice(0, 40),
          );
        }
        // The framework wraps each island in a style attribute: by hash too.
        const attributes = [...html.matchAll(/\sstyle="([^"]*)"/g)];
        assert.ok(attributes.length >= 1, "the island's wrapper");
        for (const [, value] of attributes) {
          assert.ok(
            policy.get("style-src-attr")?.includes(sha256(value)),
            value,
          );
        }
      },
    );
    await t.step("the island bundle the page loads", async () => {
      const html = await (await fetch(`${app.url}/`)).text();
      const runtime = html.match(/from"(\/_frsh\/js\/[^"]+)"/)?.[1];
      assert.ok(runtime, "the page imports the runtime");
      const response = await fetch(`${app.url}${runtime}`);
      await response.body?.cancel();
      assert.equal(response.status, 200);
      assertCommon(response, runtime);
    });
    await t.step("the API", async () => {
      const response = await fetch(`${app.url}/get-status`);
      await response.body?.cancel();
      assert.equal(response.status, 200);
      assertCommon(response, "/get-status");
      // Sent as it was made: with its length, not chunked.
      assert.ok(response.headers.has("content-length"), "content-length");
      assert.equal(
        response.headers.get("content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'",
      );
    });
    await t.step("a missing page and a missing endpoint", async () => {
      const page = await fetch(`${app.url}/nowhere`);
      await page.body?.cancel();
      assert.equal(page.status, 404);
      assertCommon(page, "/nowhere");
      assert.deepEqual(
        directives(page.headers.get("content-security-policy")).get(
          "frame-ancestors",
        ),
        ["'none'"],
      );
      const api = await fetch(`${app.url}/api/nowhere`);
      assert.equal(api.status, 404);
      assert.match((await api.json()).error, /no such endpoint/);
      assertCommon(api, "/api/nowhere");
    });
  } finally {
    await app.stop();
  }
});

Deno.test("without ADMIN_TOKEN updates come from this machine only, as the start-up line says", async (t) => {
  const app = await startApp();
  try {
    assert.match(
      app.output(),
      /^updates: loopback only \(set ADMIN_TOKEN to allow others\)$/m,
    );
    await t.step("a loopback client updates", async () => {
      const response = await fetch(`${app.url}/update-status`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"status":"En cours"}',
      });
      assert.equal(response.status, 200);
      assert.equal((await response.json()).version, 1);
    });
    await t.step(
      "a loopback client naming another host (a rebound DNS name) gets 403",
      async () => {
        const body = '{"status":"Échec"}';
        const answer = await exchange(
          app.port,
          "POST /update-status HTTP/1.1\r\nHost: attacker.example\r\n" +
            "Content-Type: application/json\r\n" +
            `Content-Length: ${new TextEncoder().encode(body).byteLength}\r\n` +
            `Connection: close\r\n\r\n${body}`,
        );
        assert.match(answer, /^HTTP\/1\.1 403 /);
        assert.match(
          answer,
          /"error":"updates addressed to attacker\.example are refused: .*ADMIN_TOKEN/,
        );
        const state = await (await fetch(`${app.url}/get-status`)).json();
        assert.equal(state.status, "En cours");
      },
    );
  } finally {
    await app.stop();
  }
});

Deno.test("with ADMIN_TOKEN and FRAME_ANCESTORS='self' the start-up line and headers follow", async () => {
  const app = await startApp({
    env: { ADMIN_TOKEN: "tok-1", FRAME_ANCESTORS: "'self'" },
  });
  try {
    assert.match(app.output(), /^updates: need the admin token$/m);
    const response = await fetch(`${app.url}/`);
    await response.body?.cancel();
    assertCommon(response, "/", "SAMEORIGIN");
    assert.deepEqual(
      directives(response.headers.get("content-security-policy")).get(
        "frame-ancestors",
      ),
      ["'self'"],
    );
  } finally {
    await app.stop();
  }
});

Deno.test("token settings that would leave the status open stop the start with one line", async (t) => {
  for (
    const [what, env, message] of [
      [
        "an empty ADMIN_TOKEN",
        { ADMIN_TOKEN: "" },
        /^error: ADMIN_TOKEN is empty/,
      ],
      [
        "no ADMIN_TOKEN on Deno Deploy",
        { DENO_DEPLOYMENT_ID: "test-deployment" },
        /^error: ADMIN_TOKEN must be set on Deno Deploy/,
      ],
      [
        "a bad FRAME_ANCESTORS",
        { FRAME_ANCESTORS: "'self'; x" },
        /^error: FRAME_ANCESTORS must be/,
      ],
    ] as const
  ) {
    await t.step(what, async () => {
      const { code, output } = await exitAtStart({ ...env });
      assert.equal(code, 1, output);
      const lines = output.trim().split("\n");
      assert.equal(lines.length, 1, output);
      assert.match(lines[0], message);
    });
  }
});
