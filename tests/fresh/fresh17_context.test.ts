/** What handlers, middlewares and components learn from `ctx`, against `tests/fixtures/fresh17/context/`. */
import assert from "node:assert/strict";
import { createHandler } from "$fresh/server.ts";
import { internal } from "../../lib/fresh/internal.ts";
import { fetchApp, loadApp, textOf } from "./fresh17.ts";

const area = "context";

Deno.test("a handler's ctx: route, pattern, basePath, isPartial, destination, config, remoteAddr", async (t) => {
  await t.step("called without connection info", async () => {
    const json = await (await fetchApp(area, "/api/context")).json();
    assert.deepEqual(json, {
      route: "/api/context",
      pattern: "/api/context",
      basePath: "",
      isPartial: false,
      destination: "route",
      remoteAddr: "localhost",
      staticDir: true,
      dev: false,
      plugins: 0,
    });
  });
  await t.step("a request for partials says so", async () => {
    const res = await fetchApp(area, "/api/context?fresh-partial=true");
    assert.equal((await res.json()).isPartial, true);
  });
});

Deno.test("page props carry data, route, pattern, state and isPartial", async () => {
  const { body, headers } = await textOf(area, "/shop/tea?fresh-partial=true");
  assert.match(body, /<dd id="name">TEA<\/dd>/);
  assert.match(body, /<dd id="route">\/shop\/:item<\/dd>/);
  assert.match(body, /<dd id="pattern">\/shop\/:item<\/dd>/);
  assert.match(body, /<dd id="seen">root,shop<\/dd>/);
  assert.match(body, /<dd id="partial">true<\/dd>/);
  assert.equal(headers.get("x-destination"), "route");
});

Deno.test("middlewares apply to the routes of their directory only", async () => {
  const { body } = await textOf(area, "/async");
  assert.match(body, /<p>GET \/async \/async 3<\/p>/);
  const missing = await fetchApp(area, "/shop");
  assert.equal(missing.headers.get("x-destination"), "notFound");
  assert.match(await missing.text(), /missing \/shop/);
});

Deno.test("an async layout renders what it wraps with ctx.Component", async () => {
  const { body } = await textOf(area, "/async");
  assert.match(
    body,
    /<div data-year="2024"><p>GET \/async \/async 3<\/p><\/div>/,
  );
});

Deno.test("_500 gets ctx.error, and in development the code frame", async (t) => {
  const original = console.error;
  console.error = () => {};
  try {
    await t.step("in production: the error, no code frame", async () => {
      const { status, body } = await textOf(area, "/broken");
      assert.equal(status, 500);
      assert.match(body, /<h1>nothing to show<\/h1>/);
      assert.doesNotMatch(body, /id="frame"/);
    });
    await t.step("in development: the source line that threw", async () => {
      const { manifest, config } = await loadApp(area);
      internal.dev = true;
      let handler;
      try {
        handler = await createHandler(manifest, config);
      } finally {
        internal.dev = false;
      }
      const body = await (await handler(new Request("http://localhost/broken")))
        .text();
      assert.match(
        body,
        /<pre id="frame">[^<]*> 2 \| +throw new TypeError\(&quot;nothing to show&quot;\);/,
      );
    });
  } finally {
    console.error = original;
  }
});
