import assert from "node:assert/strict";
import { asset } from "$fresh/runtime.ts";
import { contentType, etagMatches } from "../../lib/fresh/static_files.ts";
import { request } from "./fixture.ts";

Deno.test("static files are served with their content type", async (t) => {
  const cases: [string, string, string][] = [
    ["/hello.txt", "text/plain; charset=utf-8", "hello static\n"],
    ["/site.css", "text/css; charset=utf-8", "body {\n  margin: 0;\n}\n"],
    ["/img/logo.svg", "image/svg+xml", "<svg"],
  ];
  for (const [path, type, start] of cases) {
    await t.step(path, async () => {
      const res = await request(path);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), type);
      assert.ok((await res.text()).startsWith(start));
    });
  }
  await t.step("unknown extensions are octet streams", () => {
    assert.equal(contentType("a.bin"), "application/octet-stream");
    assert.equal(contentType("A.PNG"), "image/png");
  });
});

Deno.test("a static file revalidates by ETag", async (t) => {
  const first = await request("/hello.txt");
  await first.body?.cancel();
  const etag = first.headers.get("etag")!;
  assert.match(etag, /^"[0-9a-f]{40}"$/);
  assert.equal(first.headers.get("cache-control"), "no-cache");
  await t.step(
    "a matching If-None-Match answers 304 without a body",
    async () => {
      const res = await request("/hello.txt", {
        headers: { "if-none-match": `W/"x", ${etag}` },
      });
      assert.equal(res.status, 304);
      assert.equal(res.headers.get("etag"), etag);
      assert.equal(await res.text(), "");
    },
  );
  await t.step("a stale tag gets the file", async () => {
    const res = await request("/hello.txt", {
      headers: { "if-none-match": '"stale"' },
    });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "hello static\n");
  });
  await t.step("tag lists and weak tags are understood", () => {
    assert.ok(etagMatches('W/"a", "b"', '"a"'));
    assert.ok(etagMatches("*", '"a"'));
    assert.ok(!etagMatches(null, '"a"'));
    assert.ok(!etagMatches('"ab"', '"a"'));
  });
});

Deno.test("asset() adds the build id, and such a URL is cached for a year", async () => {
  const page = await (await request("/about")).text();
  const src = page.match(/<img src="([^"]+)"/)![1];
  assert.match(src, /^\/img\/logo\.svg\?__frsh_c=[\w-]+$/);
  assert.equal(asset("/img/logo.svg"), src);
  assert.equal(asset("https://example.com/a.png"), "https://example.com/a.png");
  assert.equal(asset(src), src);
  const res = await request(src);
  await res.body?.cancel();
  assert.equal(res.status, 200);
  assert.equal(
    res.headers.get("cache-control"),
    "public, max-age=31536000, immutable",
  );
  const other = await request("/img/logo.svg?__frsh_c=old");
  await other.body?.cancel();
  assert.equal(other.headers.get("cache-control"), "no-cache");
});

Deno.test("paths outside static/ are not served from it", async () => {
  for (const path of ["/../deno.json", "/%2e%2e/fresh.gen.ts", "/img"]) {
    const res = await request(path);
    await res.body?.cancel();
    assert.equal(res.status, 404, path);
  }
});
