import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  frameOptions,
  inlineHashes,
  pagePolicy,
  resourcePolicy,
  securedFor,
  withResourceHeaders,
  withSecurityHeaders,
} from "../../lib/http/security_headers.ts";
import { fixedFor, fixedResponse } from "../../lib/fresh/fixed_response.ts";
import { ConnectionRequest } from "../../lib/fresh/http1_request.ts";

const sha256 = (text: string) =>
  `sha256-${createHash("sha256").update(text).digest("base64")}`;

/** The directives of a CSP, by name. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((d) => d.trim().split(/\s+/)).map((
      [name, ...sources],
    ) => [name, sources]),
  );
}

const PAGE = "<!DOCTYPE html><html><head><style>a{color:red}</style>" +
  '<noscript><style>[x]{display:none}</style></noscript><script src="/x.js"></script><script type="application/json" id="data">{"a":1}</script>' +
  "</head><body><p>hi</p>" +
  '<frsh-island style="display:contents"><i style="content:&quot;&amp;&quot;">x</i></frsh-island>' +
  '<script type="module">import{boot}from"/r.js";boot("\\u003c/script>")</script></body></html>';

Deno.test("security policies", async (t) => {
  await t.step(
    "a page runs only its own scripts and styles, and no one frames it",
    () => {
      const policy = directives(
        pagePolicy("'none'", {
          scripts: ["sha256-A"],
          styles: ["sha256-B", "sha256-C"],
          styleAttributes: ["sha256-D"],
        }),
      );
      assert.deepEqual(policy.get("default-src"), ["'self'"]);
      assert.deepEqual(policy.get("script-src"), ["'self'", "'sha256-A'"]);
      assert.deepEqual(policy.get("style-src"), [
        "'self'",
        "'sha256-B'",
        "'sha256-C'",
      ]);
      // Only the attributes it was rendered with, by hash.
      assert.deepEqual(policy.get("style-src-attr"), [
        "'unsafe-hashes'",
        "'sha256-D'",
      ]);
      assert.deepEqual(policy.get("img-src"), ["'self'", "data:"]);
      assert.deepEqual(policy.get("object-src"), ["'none'"]);
      assert.deepEqual(policy.get("base-uri"), ["'none'"]);
      assert.deepEqual(policy.get("frame-ancestors"), ["'none'"]);
      for (const sources of policy.values()) {
        assert.ok(!sources.includes("'unsafe-inline'"));
        assert.ok(!sources.includes("'unsafe-eval'"));
      }
    },
  );
  await t.step("no style attribute, no style-src-attr", () => {
    const policy = directives(
      pagePolicy("'none'", { scripts: [], styles: [], styleAttributes: [] }),
    );
    assert.equal(policy.has("style-src-attr"), false);
    assert.deepEqual(policy.get("script-src"), ["'self'"]);
  });
  await t.step("anything else may load nothing", () => {
    assert.equal(
      resourcePolicy("'self' https://dash.example"),
      "default-src 'none'; frame-ancestors 'self' https://dash.example",
    );
  });
  await t.step("X-Frame-Options says what it can", () => {
    assert.equal(frameOptions("'none'"), "DENY");
    assert.equal(frameOptions("'self'"), "SAMEORIGIN");
    assert.equal(frameOptions("https://dash.example"), undefined);
    assert.equal(frameOptions("'self' https://dash.example"), undefined);
  });
});

Deno.test("inline scripts and styles are hashed as the browser hashes them", async () => {
  const hashes = await inlineHashes(PAGE);
  assert.deepEqual(hashes.scripts, [
    sha256('import{boot}from"/r.js";boot("\\u003c/script>")'),
  ]);
  assert.deepEqual(hashes.styles, [
    sha256("a{color:red}"),
    sha256("[x]{display:none}"),
  ]);
  // Attributes are hashed as read, entities decoded.
  assert.deepEqual(hashes.styleAttributes, [
    sha256("display:contents"),
    sha256('content:"&"'),
  ]);
  // The parser reads CR LF as LF before hashing.
  assert.deepEqual(
    (await inlineHashes("<style>\r\na{}\r\n</style>")).styles,
    [sha256("\na{}\n")],
  );
  assert.deepEqual(await inlineHashes("<p>no inline code</p>"), {
    scripts: [],
    styles: [],
    styleAttributes: [],
  });
});

Deno.test("every answer gets the security headers", async (t) => {
  await t.step("a page: with the hashes of its own inline code", async () => {
    const page = new Response(PAGE, {
      status: 404,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "x-extra": "kept",
      },
    });
    const answer = await withSecurityHeaders(page, "'none'");
    assert.equal(answer.status, 404);
    assert.equal(answer.headers.get("x-extra"), "kept");
    assert.equal(answer.headers.get("x-content-type-options"), "nosniff");
    assert.equal(answer.headers.get("referrer-policy"), "same-origin");
    assert.equal(answer.headers.get("x-frame-options"), "DENY");
    const policy = directives(answer.headers.get("content-security-policy")!);
    const hashes = await inlineHashes(PAGE);
    assert.deepEqual(policy.get("script-src"), [
      "'self'",
      ...hashes.scripts.map((h) => `'${h}'`),
    ]);
    assert.equal(await answer.text(), PAGE);
  });
  await t.step(
    "JSON: at once, without reading a body that may be held",
    async () => {
      let pulled = false;
      const held = new ReadableStream({ pull: () => void (pulled = true) }, {
        highWaterMark: 0,
      });
      const poll = new Response(held, {
        headers: { "content-type": "application/json" },
      });
      const answer = withSecurityHeaders(poll, "'none'");
      assert.ok(answer instanceof Response, "not a promise");
      assert.equal(answer, poll);
      assert.equal(
        answer.headers.get("content-security-policy"),
        resourcePolicy("'none'"),
      );
      assert.equal(answer.headers.get("x-content-type-options"), "nosniff");
      assert.equal(answer.headers.get("x-frame-options"), "DENY");
      assert.equal(answer.bodyUsed, false);
      await answer.body?.cancel();
      assert.equal(pulled, false);
    },
  );
  await t.step("a redirect, whose headers are read-only", async () => {
    const answer = await withSecurityHeaders(
      Response.redirect("http://127.0.0.1/", 307),
      "'none'",
    );
    assert.equal(answer.status, 307);
    assert.equal(answer.headers.get("location"), "http://127.0.0.1/");
    assert.equal(answer.headers.get("x-content-type-options"), "nosniff");
  });
  await t.step("headers a handler chose are kept", async () => {
    const own = new Response("x", {
      headers: {
        "content-security-policy": "sandbox",
        "referrer-policy": "no-referrer",
      },
    });
    const answer = await withSecurityHeaders(own, "'none'");
    assert.equal(answer.headers.get("content-security-policy"), "sandbox");
    assert.equal(answer.headers.get("referrer-policy"), "no-referrer");
  });
  await t.step(
    "framing allowed to some origins: no X-Frame-Options",
    async () => {
      const answer = await withSecurityHeaders(
        new Response(PAGE, { headers: { "content-type": "text/html" } }),
        "https://dash.example",
      );
      assert.equal(answer.headers.has("x-frame-options"), false);
      assert.deepEqual(
        directives(answer.headers.get("content-security-policy")!).get(
          "frame-ancestors",
        ),
        ["https://dash.example"],
      );
    },
  );
});

Deno.test("a completed answer, or a copy of it, passes the middleware as it is", async () => {
  const answer = withResourceHeaders(
    fixedResponse(200, '{"v":1}', { "content-type": "application/json" }),
    "'none'",
  );
  const request = new Request("http://test/poll-status");
  const copy = securedFor(answer, request);
  assert.equal(await withSecurityHeaders(copy, "'none'"), copy);
  assert.equal(copy.headers.get("x-content-type-options"), "nosniff");
  assert.equal(copy.headers.get("x-frame-options"), "DENY");
  assert.match(copy.headers.get("content-security-policy")!, /default-src/);

  // Another frame-ancestors value is still worked out, headers already
  // there kept.
  const other = securedFor(answer, request);
  assert.equal(await withSecurityHeaders(other, "https://a.example"), other);
  assert.equal(other.headers.get("x-frame-options"), "DENY");

  // A copy of an answer nobody completed gets the headers added.
  const bare = securedFor(fixedResponse(200, "{}"), request);
  await withSecurityHeaders(bare, "'none'");
  assert.equal(bare.headers.get("x-content-type-options"), "nosniff");
});

Deno.test("a shared answer (read-only headers) that lacks a header is completed on a copy, its body left for the others", async () => {
  const shared = fixedFor(
    fixedResponse(200, '{"v":1}', { "content-type": "application/json" }),
    new ConnectionRequest("http://test/poll-status"),
  );
  const completed = await withSecurityHeaders(shared, "'none'");
  assert.notEqual(completed, shared);
  assert.equal(completed.headers.get("x-content-type-options"), "nosniff");
  assert.equal(shared.headers.get("x-content-type-options"), null);
  assert.equal(await completed.text(), '{"v":1}');
  assert.equal(shared.bodyUsed, false);
});
