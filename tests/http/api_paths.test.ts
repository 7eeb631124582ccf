import assert from "node:assert/strict";
import manifest from "../../fresh.gen.ts";
import { HISTORY_LIMIT } from "../../lib/domain/history.ts";
import {
  API_PATHS,
  isApiPath,
  PAGE_AND_API_PATHS,
} from "../../lib/http/api_paths.ts";
import { openApiDocument } from "../../lib/http/openapi.ts";
import { MAX_BODY_BYTES } from "../../lib/http/update_status.ts";

/**
 * The path a route file answers, as Fresh derives it from the file name,
 * with a `[id]` segment written `{id}` as the document writes it.
 */
function routePath(file: string): string {
  return file.replace(/^\.\/routes/, "").replace(/\.tsx?$/, "").replace(
    /\/index$/,
    "",
  ).replace("[id]", "{id}") || "/";
}

const routes = Object.entries(manifest.routes)
  .filter(([file]) => !/\/_[^/]*$/.test(file));

/** Route files that serve JSON or text, not pages (no default export). */
const apiRoutes = routes.filter(([, module]) => !("default" in module))
  .map(([file]) => routePath(file))
  .sort();

/** Route files that are a page and the API at once: a page with other methods than GET. */
const pageAndApiRoutes = routes
  .filter(([, module]) =>
    "default" in module && "handler" in module &&
    Object.keys(module.handler as object).some((method) => method !== "GET")
  )
  .map(([file]) => routePath(file))
  .sort();

Deno.test("the endpoint list is the one source for the API's paths", async (t) => {
  const listed = Object.values(API_PATHS).sort();
  await t.step(
    "every API route is listed, and every listed path is a route",
    () => {
      assert.deepEqual(apiRoutes, listed);
    },
  );
  await t.step(
    "every page that is also API is listed as such",
    () => {
      assert.deepEqual(
        pageAndApiRoutes,
        Object.values(PAGE_AND_API_PATHS).filter((path) =>
          path !== PAGE_AND_API_PATHS.tasks
        ).sort(),
      );
      assert.ok(
        routes.some(([file]) => routePath(file) === PAGE_AND_API_PATHS.tasks),
      );
    },
  );
  await t.step(
    "the OpenAPI document describes exactly the listed paths",
    () => {
      const documented = Object.keys(openApiDocument.paths as object).sort();
      assert.deepEqual(
        documented,
        [...listed, ...Object.values(PAGE_AND_API_PATHS)].sort(),
      );
    },
  );
  await t.step("their errors, and unknown paths under /api/, are JSON", () => {
    for (const path of listed) assert.ok(isApiPath(path), path);
    assert.ok(isApiPath("/api/anything"));
    assert.ok(isApiPath("/tasks/build/get-status"));
    assert.ok(isApiPath("/tasks/build/no-such-thing"));
    assert.ok(!isApiPath("/tasks"));
    assert.ok(!isApiPath("/tasks/build"));
    assert.ok(!isApiPath("/"));
    assert.ok(!isApiPath("/robots.txt"));
  });
});

Deno.test("the OpenAPI document states the limits the code enforces", () => {
  const text = JSON.stringify(openApiDocument);
  assert.ok(text.includes(`at most ${MAX_BODY_BYTES} bytes`));
  assert.ok(text.includes(`the last ${HISTORY_LIMIT} kept`));
  assert.ok(text.includes(`"maximum":${Number.MAX_SAFE_INTEGER}`));
});
