import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import { h } from "preact";
import { serializeProps } from "../../lib/fresh/serialize.ts";
import { request } from "./fixture.ts";

/** The island data (JSON) and the imports of a page's module script. */
function islandScript(html: string) {
  const scripts = html.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? [];
  assert.equal(scripts.length, 2, "the props and one module script");
  const [json, js] = scripts;
  assert.match(json, /^<script id="__FRSH_STATE" type="application\/json">/);
  assert.match(js, /^<script type="module">/);
  const imports = [...js.matchAll(/from"([^"]+)"/g)].map((m) => m[1]);
  const data = JSON.parse(json.replace(/^<script[^>]*>|<\/script>$/g, ""));
  const islands = data.i.map((
    [module, name]: [number, string],
    id: number,
  ) => [module, name, data.p[id]]);
  return { js, json, imports, islands };
}

Deno.test("an island renders on the server and carries its props, signals included", async () => {
  const html = await (await request("/")).text();
  assert.match(
    html,
    /<frsh-island data-id="0" style="display:contents"><p class="flex gap-2"><output id="count" class="text-slate-700">0<\/output><button type="button" disabled>Add one<\/button><\/p><\/frsh-island>/,
  );
  const { islands, imports } = islandScript(html);
  assert.deepEqual(islands, [
    [0, "default", { count: { __f: "s", v: 0 }, label: "Add one" }],
  ]);
  assert.equal(imports.length, 2, "the runtime and the one island used");
  assert.match(imports[0], /^\/_frsh\/js\/[\w-]+\/lib\/fresh\/client\.js$/);
  assert.match(imports[1], /\/islands\/Counter\.js$/);
});

Deno.test("a named export is an island too, and its props cannot close the script", async () => {
  const html = await (await request("/greet")).text();
  const { json, islands, imports } = islandScript(html);
  assert.deepEqual(islands, [
    [1, "Greeting", { name: "Ada", tags: ["a", "</script>"] }],
  ]);
  assert.match(imports[1], /\/islands\/Greeting\.js$/);
  assert.equal(json.indexOf("</script"), json.length - "</script>".length);
});

Deno.test("a page with no island ships no script", async () => {
  for (const path of ["/about", "/users/1", "/nope"]) {
    const html = await (await request(path)).text();
    assert.doesNotMatch(html, /<script/, path);
    assert.doesNotMatch(html, /frsh-island/, path);
  }
});

Deno.test("island bundles are served under the build id and cached for a year", async (t) => {
  const { imports } = islandScript(await (await request("/")).text());
  const seen = new Map<string, number>();
  const queue = [...imports];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    const res = await request(url);
    const code = await res.text();
    assert.equal(res.status, 200, url);
    assert.equal(
      res.headers.get("content-type"),
      "text/javascript; charset=utf-8",
    );
    assert.equal(
      res.headers.get("cache-control"),
      "public, max-age=31536000, immutable",
    );
    seen.set(url, code.length);
    for (const m of code.matchAll(/(?:from|import)\s*"(\.[^"]+)"/g)) {
      queue.push(new URL(m[1], new URL(url, "http://x")).pathname);
    }
  }
  await t.step("shared code is split into chunks", () => {
    assert.ok([...seen.keys()].some((u) => /\/chunk-\w+\.js$/.test(u)));
  });
  await t.step(
    "a client that takes gzip gets the same code gzipped",
    async () => {
      const url = imports[0];
      const res = await request(url, {
        headers: { "accept-encoding": "gzip, br" },
      });
      assert.equal(res.headers.get("content-encoding"), "gzip");
      assert.equal(res.headers.get("vary"), "accept-encoding");
      const zipped = await res.bytes();
      const code = await new Response(
        new Blob([zipped]).stream().pipeThrough(
          new DecompressionStream("gzip"),
        ),
      ).text();
      assert.equal(code.length, seen.get(url));
      assert.ok(zipped.byteLength < code.length);
    },
  );
  await t.step("an unknown build id or file is 404", async () => {
    for (const url of ["/_frsh/js/old/lib/fresh/client.js", imports[0] + "x"]) {
      const res = await request(url);
      await res.body?.cancel();
      assert.equal(res.status, 404, url);
    }
  });
});

Deno.test("island props that cannot cross to the browser are refused by name", () => {
  const shared = signal(1);
  assert.equal(
    serializeProps([{ path: "A", value: { a: [shared], b: null } }, {
      path: "B",
      value: { s: shared },
    }]),
    '[{"a":[{"__f":"s","i":0,"v":1}],"b":null},{"s":{"__f":"r","i":0}}]',
  );
  assert.throws(
    () => serializeProps([{ path: "props", value: { onClick: () => {} } }]),
    /props\.onClick cannot cross to the browser \(a function\)/,
  );
  assert.throws(
    () =>
      serializeProps([{ path: "props", value: { x: { y: h("b", null) } } }]),
    /props\.x\.y cannot cross/,
  );
  assert.throws(
    () => serializeProps([{ path: "props", value: { m: new Map() } }]),
    /props\.m cannot cross to the browser \(a Map object\)/,
  );
});
