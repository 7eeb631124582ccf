/** `$fresh/plugins/tailwind.ts` (Tailwind from npm), against `tests/fixtures/fresh17/tailwind/`. */
import assert from "node:assert/strict";
import { fetchApp } from "./fresh17.ts";

const area = "tailwind";

Deno.test("the tailwind plugin builds static/styles.css from the classes the app's files use", async (t) => {
  const res = await fetchApp(area, "/styles.css");
  const css = await res.text();
  await t.step("served as CSS, with a validator", () => {
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/css; charset=utf-8");
    assert.match(res.headers.get("etag")!, /^"[0-9a-f]{40}"$/);
  });
  await t.step(
    "preflight, and the utilities of routes, islands and components",
    () => {
      assert.match(css, /box-sizing: border-box/);
      for (
        const selector of [
          ".text-4xl",
          ".font-bold",
          ".bg-\\[\\#86efac\\]",
          ".text-emerald-700",
          ".hover\\:bg-gray-200:hover",
          ".rounded",
        ]
      ) {
        assert.ok(css.includes(selector), selector);
      }
    },
  );
  await t.step("nothing the app does not use", () => {
    assert.ok(!css.includes(".text-red-500"));
    assert.ok(!css.includes("@tailwind"));
  });
  await t.step("the same stylesheet answers 304 to its ETag", async () => {
    const again = await fetchApp(area, "/styles.css", {
      headers: { "if-none-match": res.headers.get("etag")! },
    });
    await again.body?.cancel();
    assert.equal(again.status, 304);
  });
});

Deno.test("pages link the stylesheet and render as usual", async () => {
  const body = await (await fetchApp(area, "/")).text();
  assert.match(body, /<link rel="stylesheet" href="\/styles.css"\/>/);
  assert.match(body, /<h1 class="text-4xl font-bold">Welcome to Fresh<\/h1>/);
});
