import assert from "node:assert/strict";
import manifest from "../../fresh.gen.ts";
import { HISTORY_LIMIT } from "../../lib/domain/history.ts";
import { API_PATHS, isApiPath } from "../../lib/http/api_paths.ts";
import { openApiDocument } from "../../lib/http/openapi.ts";
import { MAX_BODY_BYTES } from "../../lib/http/update_status.ts";

/** The path a route file answers, as Fresh derives it from the file name. */
function routePath(file: string): string {
  return file.replace(/^\.\/routes/, "").replace(/\.tsx?$/, "").replace(
    /\/index$/,
    "/",
  );
}

/** Route files that serve JSON or text, not pages (no default export). */
const apiRoutes = Object.entries(manifest.routes)
  .filter(([file, module]) => !/\/_[^/]*$/.test(file) && !("default" in module))
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
    "the OpenAPI document describes exactly the listed paths",
    () => {
      const documented = Object.keys(openApiDocument.paths as object).sort();
      assert.deepEqual(documented, listed);
    },
  );
  await t.step("their errors, and unknown paths under /api/, are JSON", () => {
    for (const path of listed) assert.ok(isApiPath(path), path);
    assert.ok(isApiPath("/api/anything"));
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
