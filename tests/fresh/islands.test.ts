import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import { h } from "preact";
import {
  encodeProps,
  type Island,
  renderPage,
} from "../../lib/fresh/render.ts";
import { request } from "./fixture.ts";

/** The island data and imports of a page's one module script. */
function islandScript(html: string) {
  const scripts = html.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? [];
  assert.equal(scripts.length, 1, "one script");
  const js = scripts[0];
  assert.match(js, /^<script type="module">/);
  const imports = [...js.matchAll(/from"([^"]+)"/g)].map((m) => m[1]);
  const data = js.match(/boot\(\{[^}]*\},("(?:[^"\\]|\\.)*")/)![1];
  return { js, imports, islands: JSON.parse(JSON.parse(data)) };
}

Deno.test("an island renders on the server and carries its props, signals included", async () => {
  const html = await (await request("/")).text();
  assert.match(
    html,
    /<frsh-island data-id="0" style="display:contents"><p class="flex gap-2"><output id="count" class="text-slate-700">0<\/output><button type="button" disabled>Add one<\/button><\/p><\/frsh-island>/,
  );
  const { islands, imports } = islandScript(html);
  assert.deepEqual(islands, [
    [0, "default", { count: { __frsh_s: 0 }, label: "Add one" }],
  ]);
  assert.equal(imports.length, 2, "the runtime and the one island used");
  assert.match(imports[0], /^\/_frsh\/js\/[\w-]+\/lib\/fresh\/client\.js$/);
  assert.match(imports[1], /\/islands\/Counter\.js$/);
});

Deno.test("a named export is an island too, and its props cannot close the script", async () => {
  const html = await (await request("/greet")).text();
  const { js, islands, imports } = islandScript(html);
  assert.deepEqual(islands, [
    [1, "Greeting", { name: "Ada", tags: ["a", "</script>"] }],
  ]);
  assert.match(imports[1], /\/islands\/Greeting\.js$/);
  assert.equal(js.indexOf("</script"), js.length - "</script>".length);
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
  assert.deepEqual(encodeProps({ a: [signal(1)], b: null }), {
    a: [{ __frsh_s: 1 }],
    b: null,
  });
  assert.throws(() => encodeProps({ onClick: () => {} }), /props\.onClick/);
  assert.throws(
    () => encodeProps({ children: h("b", null) }),
    /props\.children/,
  );
});

Deno.test("an island inside an island hydrates with its parent, not on its own", () => {
  const Inner = (props: { n: number }) => h("i", null, props.n);
  const Outer = () => h("b", null, h(Inner, { n: 2 }));
  const island = (module: number, component: unknown): [unknown, Island] => [
    component,
    {
      module,
      exportName: "default",
      component: component as Island["component"],
    },
  ];
  const islands = new Map([island(0, Outer), island(1, Inner)]);
  const page = () => h("main", null, h(Outer, null), h(Inner, { n: 3 }));
  const props = {
    url: new URL("http://x/"),
    params: {},
    route: "/",
    data: undefined,
    state: {},
  };
  const out = renderPage(page, props, undefined, islands);
  assert.equal(
    out.html,
    '<main><frsh-island data-id="0" style="display:contents"><b><i>2</i></b></frsh-island>' +
      '<frsh-island data-id="1" style="display:contents"><i>3</i></frsh-island></main>',
  );
  assert.deepEqual(out.islands.map((u) => [u.island.module, u.props]), [
    [0, {}],
    [1, { n: 3 }],
  ]);
});
