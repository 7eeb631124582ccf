import assert from "node:assert/strict";
import {
  compareRoutePatterns,
  middlewarePattern,
  routePattern,
  stripExtension,
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

Deno.test("a middleware applies to its directory and everything below", () => {
  const test = (dir: string, path: string) =>
    new URLPattern({ pathname: middlewarePattern(dir) }).test({
      pathname: path,
    });
  assert.ok(test("", "/"));
  assert.ok(test("", "/any/thing"));
  assert.ok(test("api", "/api"));
  assert.ok(test("api", "/api/items"));
  assert.ok(!test("api", "/apix"));
  assert.ok(!test("api", "/"));
  assert.ok(test("(admin)/settings", "/settings/x"));
});
