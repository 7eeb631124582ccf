/**
 * The app's own `static/` folder, served by the real app process: each file
 * with its content type, a content-hash ETag and a cache policy that makes
 * browsers revalidate, and a bodiless 304 when they already have it.
 */
import assert from "node:assert/strict";
import { startApp } from "../support/server.ts";

const STATIC = new URL("../../static/", import.meta.url);

const FILES: [path: string, type: string][] = [
  ["/robots.txt", "text/plain; charset=utf-8"],
  ["/favicon.svg", "image/svg+xml"],
  ["/favicon.ico", "image/x-icon"],
];

Deno.test("the app serves static/ with validators and caching", async (t) => {
  const app = await startApp();
  try {
    for (const [path, type] of FILES) {
      await t.step(`${path} is served from static/`, async () => {
        const response = await fetch(`${app.url}${path}`);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("content-type"), type);
        assert.match(response.headers.get("etag") ?? "", /^"[0-9a-f]{40}"$/);
        // Not a year: the file may change with a deploy, so browsers ask again.
        assert.equal(response.headers.get("cache-control"), "no-cache");
        const expected = await Deno.readFile(new URL(`.${path}`, STATIC));
        assert.deepEqual(
          new Uint8Array(await response.arrayBuffer()),
          expected,
        );
      });

      await t.step(`${path} answers 304 to its own ETag`, async () => {
        const first = await fetch(`${app.url}${path}`);
        await first.body?.cancel();
        const etag = first.headers.get("etag")!;
        const again = await fetch(`${app.url}${path}`, {
          headers: { "if-none-match": etag },
        });
        assert.equal(again.status, 304);
        assert.equal(again.headers.get("etag"), etag);
        assert.equal(again.headers.get("cache-control"), "no-cache");
        assert.equal(await again.text(), "");
      });
    }

    await t.step("robots.txt keeps crawlers off the long poll", async () => {
      const text = await (await fetch(`${app.url}/robots.txt`)).text();
      assert.match(text, /^User-agent: \*$/m);
      assert.match(text, /^Disallow: \/poll-status$/m);
    });

    await t.step(
      "the status page keeps its favicon in the status colour",
      async () => {
        const html = await (await fetch(`${app.url}/`)).text();
        const icons = html.match(/<link rel="icon"[^>]*>/g) ?? [];
        assert.equal(icons.length, 1, `one icon link, got ${icons.length}`);
        assert.match(icons[0], /href="data:image\/svg\+xml,/);
      },
    );
  } finally {
    await app.stop();
  }
});
