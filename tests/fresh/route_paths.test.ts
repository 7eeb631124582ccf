import assert from "node:assert/strict";
import {
  appliesTo,
  baseRoute,
  compareRoutePatterns,
  encodePathname,
  routePattern,
  stripExtension,
  withRouterOptions,
} from "../../lib/fresh/route_paths.ts";

Deno.test("file names map to URL patterns as in Fresh", async (t) => {
  const cases: [string, string][] = [
    ["index.tsx", "/"],
    ["about.tsx", "/about"],
    ["blog/index.tsx", "/blog"],
    ["blog/[slug].tsx", "/blog/:slug"],
    ["users/[id]/edit.tsx", "/users/:id/edit"],
    ["docs/[...rest].tsx", "/docs/:rest*"],
    ["[[lang]]/about.tsx", "/:lang?/about"],
    ["(marketing)/pricing.tsx", "/pricing"],
    ["(marketing)/index.tsx", "/"],
    ["openapi.json.ts", "/openapi.json"],
    ["post-[id].tsx", "/post-:id"],
  ];
  for (const [file, pattern] of cases) {
    await t.step(`${file} -> ${pattern}`, () => {
      assert.equal(routePattern(stripExtension(file)), pattern);
    });
  }
});

Deno.test("a pattern made from a file name matches the URLs Fresh would", () => {
  const matches = (file: string, path: string) =>
    new URLPattern({ pathname: routePattern(stripExtension(file)) }).test({
      pathname: path,
    });
  assert.ok(matches("openapi.json.ts", "/openapi.json"));
  assert.ok(!matches("openapi.json.ts", "/openapiXjson"));
  assert.ok(matches("docs/[...rest].tsx", "/docs/a/b/c"));
  assert.ok(matches("[[lang]]/about.tsx", "/about"));
  assert.ok(matches("[[lang]]/about.tsx", "/fr/about"));
  assert.ok(!matches("blog/[slug].tsx", "/blog/a/b"));
});

Deno.test("routes sort static before dynamic before catch-all", () => {
  const patterns = [
    "/:rest*",
    "/blog/:rest*",
    "/blog/:slug",
    "/:lang?/about",
    "/blog/latest",
    "/:id",
    "/about",
    "/",
  ];
  assert.deepEqual([...patterns].sort(compareRoutePatterns), [
    "/",
    "/about",
    "/blog/latest",
    "/blog/:slug",
    "/blog/:rest*",
    "/:id",
    "/:lang?/about",
    "/:rest*",
  ]);
});

Deno.test("layouts and middlewares apply to the files of their directory and below", async (t) => {
  await t.step("a file's directory, as Fresh names it", () => {
    assert.equal(baseRoute("index"), "/");
    assert.equal(baseRoute("_layout"), "/");
    assert.equal(baseRoute("blog/index"), "/blog");
    assert.equal(baseRoute("blog/[slug]"), "/blog/[slug]");
    assert.equal(baseRoute("(admin)/_middleware"), "/(admin)");
  });
  await t.step("by directory, groups included", () => {
    assert.ok(appliesTo("/", "/anything"));
    assert.ok(appliesTo("/api", "/api"));
    assert.ok(appliesTo("/api", "/api/items"));
    assert.ok(!appliesTo("/api", "/apix"));
    assert.ok(appliesTo("/(admin)", "/(admin)/settings"));
    assert.ok(!appliesTo("/(admin)", "/settings"));
  });
});

Deno.test("router options shape the patterns", () => {
  assert.equal(withRouterOptions("/", "", false), "/");
  assert.equal(withRouterOptions("/", "/docs", false), "/docs");
  assert.equal(withRouterOptions("/a", "/docs", false), "/docs/a");
  assert.equal(withRouterOptions("/a", "", true), "/a/");
  assert.equal(withRouterOptions("/", "/docs", true), "/docs/");
  assert.equal(
    encodePathname("/株式会社"),
    "/%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE",
  );
});
