/** router.basePath, router.trailingSlash and staticDir, against `tests/fixtures/fresh17/router/`. */
import assert from "node:assert/strict";
import { fetchApp, textOf } from "./fresh17.ts";

const area = "router";

Deno.test("router.trailingSlash: routes end with a slash, and a path without one is redirected to it", async (t) => {
  await t.step("/docs/about redirects (308) to /docs/about/", async () => {
    const res = await fetchApp(area, "/docs/about?x=1");
    assert.equal(res.status, 308);
    assert.equal(
      res.headers.get("location"),
      "http://localhost/docs/about/?x=1",
    );
  });
  await t.step("/docs/about/ renders", async () => {
    const { status, body } = await textOf(area, "/docs/about/");
    assert.equal(status, 200);
    assert.match(body, /<p>About the docs<\/p>/);
  });
  await t.step(
    "a path whose last segment has a dot (a file) is not redirected",
    async () => {
      const res = await fetchApp(area, "/docs/notes.txt");
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "notes\n");
    },
  );
});

Deno.test("router.basePath: the app lives under /docs", async (t) => {
  await t.step(
    "routes, with ctx.basePath and the prefixed pattern",
    async () => {
      const { body } = await textOf(area, "/docs/");
      assert.match(body, /<h1>Docs home at \/docs \(\/docs\/\)<\/h1>/);
      const api = await (await fetchApp(area, "/docs/api/search/")).json();
      assert.deepEqual(api, { name: "search", route: "/docs/api/:name/" });
    },
  );
  await t.step("nothing is served outside it", async () => {
    for (const path of ["/", "/about/", "/notes.txt"]) {
      const res = await fetchApp(area, path);
      await res.body?.cancel();
      assert.equal(res.status, 404, path);
    }
  });
  await t.step(
    "asset() and <img src> get the base path and the build id",
    async () => {
      const { body } = await textOf(area, "/docs/");
      assert.match(
        body,
        /<img src="\/docs\/img\/logo\.svg\?__frsh_c=\w+" alt="logo"\/>/,
      );
      assert.match(body, /<a href="\/docs\/notes\.txt\?__frsh_c=\w+">/);
    },
  );
  await t.step("the island scripts are served under it", async () => {
    const { body } = await textOf(area, "/docs/");
    const imports = [...body.matchAll(/from"([^"]+)"/g)].map((m) => m[1]);
    assert.equal(imports.length, 2);
    for (const url of imports) {
      assert.match(url, /^\/docs\/_frsh\/js\//);
      const res = await fetchApp(area, url);
      await res.body?.cancel();
      assert.equal(res.status, 200, url);
    }
  });
});

Deno.test("staticDir: files come from the directory the config names", async () => {
  const res = await fetchApp(area, "/docs/img/logo.svg");
  assert.equal(res.headers.get("content-type"), "image/svg+xml");
  assert.match(await res.text(), /^<svg/);
});
