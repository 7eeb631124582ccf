import assert from "node:assert/strict";
import { classesInCode, classesInHtml } from "$fresh/plugins/twind.ts";
import { request } from "./fixture.ts";

async function twindRules(path: string): Promise<string[]> {
  const html = await (await request(path)).text();
  const head = html.slice(0, html.indexOf("</head>"));
  const css = head.match(/<style id="__FRSH_TWIND">([\s\S]*?)<\/style>/)![1];
  return [...css.matchAll(/\.([\w-]+)\{/g)].map((m) => m[1]).sort();
}

Deno.test("the twind plugin styles exactly the classes a page uses", async () => {
  assert.deepEqual(await twindRules("/about"), ["bg-white", "p-4"]);
  assert.deepEqual(await twindRules("/users/1"), ["bg-white", "font-bold"]);
});

Deno.test("the twind plugin also styles classes an island only adds in the browser", async () => {
  const rules = await twindRules("/");
  for (const name of ["text-slate-700", "flex", "gap-2", "text-2xl"]) {
    assert.ok(rules.includes(name), `${name} (rendered)`);
  }
  assert.ok(rules.includes("text-red-600"), "text-red-600 (browser only)");
});

Deno.test("class names are read from class attributes and from island code", () => {
  assert.deepEqual(
    classesInHtml('<p class="a  b:c" id="x"><i class="d"></i></p>'),
    ["a", "b:c", "d"],
  );
  // Minified island code, with a template literal nested in another.
  const code = String.raw`x?"text-red-600 ring-2":'hover:bg-[#fff]';` +
    "y=`p-4 ${n?`${r.pressed} ring-4`:z}`;" + String.raw`"a\n Upper"`;
  const words = classesInCode(code);
  for (
    const name of ["text-red-600", "ring-2", "hover:bg-[#fff]", "p-4", "ring-4"]
  ) {
    assert.ok(words.includes(name), name);
  }
  assert.ok(!words.includes("Upper"));
  assert.ok(!words.some((w) => w.includes("\\")));
});
