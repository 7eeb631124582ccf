/** Fresh 1.7 routing, against `tests/fixtures/fresh17/routes/`. */
import assert from "node:assert/strict";
import { fetchApp, textOf } from "./fresh17.ts";

const area = "routes";

Deno.test("an async route component loads its own data and renders it", async () => {
  const { status, body } = await textOf(area, "/");
  assert.equal(status, 200);
  assert.match(
    body,
    /<h1>Posts \(\/\)<\/h1><ul><li><a href="\/blog\/hello">Hello, world<\/a><\/li>/,
  );
});

Deno.test("layouts wrap pages from the outermost directory in, inside an async _app", async (t) => {
  await t.step("_app (defineApp, async) sets the document", async () => {
    const { body } = await textOf(area, "/blog");
    assert.ok(body.startsWith('<!DOCTYPE html><html lang="de"><head>'), body);
    assert.match(body, /<title>Routes fixture<\/title>/);
  });
  await t.step(
    "root layout, then the blog's async layout (defineLayout)",
    async () => {
      const { body } = await textOf(area, "/blog");
      assert.match(
        body,
        /<body><div class="root-layout"><section class="blog-layout"><nav>2 posts<\/nav><p>All posts<\/p><\/section><\/div><\/body>/,
      );
    },
  );
  await t.step(
    "a route group's layout with skipInheritedLayouts drops the root layout",
    async () => {
      const { body } = await textOf(area, "/pricing");
      assert.match(
        body,
        /<body><div class="marketing-layout"><p>Pricing<\/p><\/div><\/body>/,
      );
    },
  );
  await t.step(
    "a layout with skipAppWrapper renders without _app, in the default document",
    async () => {
      const { body } = await textOf(area, "/bare/page");
      assert.ok(
        body.startsWith(
          '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>',
        ),
        body,
      );
      assert.match(
        body,
        /<body><div class="root-layout"><div class="bare-layout"><p>No app around me<\/p>/,
      );
      assert.doesNotMatch(body, /Routes fixture/);
    },
  );
  await t.step(
    "a route with skipInheritedLayouts and skipAppWrapper renders alone",
    async () => {
      const { body } = await textOf(area, "/standalone");
      assert.match(
        body,
        /<html lang="en">.*<body><p>Just me<\/p><\/body><\/html>$/,
      );
    },
  );
});

Deno.test("defineRoute: params, a Response instead of JSX, and NotFound thrown as the 404 page", async (t) => {
  await t.step("renders with ctx.params", async () => {
    const { status, body } = await textOf(area, "/blog/fresh");
    assert.equal(status, 200);
    assert.match(body, /<article>Why Fresh<\/article>/);
  });
  await t.step(
    "a Response returned by an async route is the answer",
    async () => {
      const res = await fetchApp(area, "/blog/old-name");
      await res.body?.cancel();
      assert.equal(res.status, 301);
      assert.equal(res.headers.get("location"), "/blog/hello");
    },
  );
  await t.step(
    "throwing Deno.errors.NotFound renders _404 with 404",
    async () => {
      const { status, body } = await textOf(area, "/blog/nope");
      assert.equal(status, 404);
      assert.match(body, /<h1>No page at \/blog\/nope<\/h1>/);
    },
  );
  await t.step("another error renders _500", async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const { status, body } = await textOf(area, "/crash");
      assert.equal(status, 500);
      assert.match(body, /<h1>Broken: the database is down<\/h1>/);
    } finally {
      console.error = original;
    }
  });
});

Deno.test("file names: optional segments, non-Latin names, route overrides", async (t) => {
  await t.step(
    "an absent [[optional]] segment is an empty string",
    async () => {
      assert.match(
        (await textOf(area, "/docs/intro")).body,
        /Intro in &quot;&quot;/,
      );
      assert.match(
        (await textOf(area, "/docs/fr/intro")).body,
        /Intro in &quot;fr&quot;/,
      );
    },
  );
  await t.step(
    "a non-Latin file name is served at its (encoded) path",
    async () => {
      const { status, body } = await textOf(area, "/über/straße");
      assert.equal(status, 200);
      assert.match(body, /<p>Straße<\/p>/);
    },
  );
  await t.step(
    "RouteConfig.routeOverride replaces the file's pattern",
    async () => {
      assert.match((await textOf(area, "/old/42")).body, /<p>Legacy 42<\/p>/);
      assert.equal((await textOf(area, "/legacy")).status, 404);
    },
  );
});

Deno.test("methods: a handler object answers 405 with Allow for any other method", async (t) => {
  await t.step("known methods reach their handlers", async () => {
    assert.equal(
      (await textOf(area, "/api/items", { method: "POST" })).status,
      201,
    );
  });
  for (const method of ["DELETE", "PURGE", "toString", "constructor"]) {
    await t.step(`${method} answers 405`, async () => {
      const { status, headers } = await textOf(area, "/api/purge", { method });
      assert.equal(status, 405);
      assert.equal(headers.get("allow"), "GET, HEAD");
    });
  }
});

Deno.test("the handler may be called without connection info", async () => {
  const res = await fetchApp(area, "/api/items");
  assert.deepEqual(await res.json(), ["a", "b"]);
});
