import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { collectAppFiles, manifestSource } from "../../lib/fresh/manifest.ts";
import { APP, ROOT } from "./fixture.ts";

const appDir = fileURLToPath(APP);

Deno.test("the manifest of the fixture app is the committed fresh.gen.ts", async () => {
  const files = await collectAppFiles(appDir);
  const committed = await Deno.readTextFile(new URL("fresh.gen.ts", APP));
  assert.equal(manifestSource(files), committed);
});

Deno.test("the manifest lists every route and island, sorted, whatever the input order", async () => {
  const files = await collectAppFiles(appDir);
  assert.deepEqual(files.routes, [...files.routes].sort());
  assert.ok(files.routes.includes("./routes/(marketing)/pricing.tsx"));
  assert.ok(files.routes.includes("./routes/api/_middleware.ts"));
  assert.deepEqual(files.islands, [
    "./islands/Counter.tsx",
    "./islands/Greeting.tsx",
  ]);
  const shuffled = {
    routes: [...files.routes].reverse(),
    islands: [...files.islands].reverse(),
  };
  assert.equal(manifestSource(shuffled), manifestSource(files));
});

Deno.test("the manifest passes deno fmt --check, with and without islands", async () => {
  const sources = [
    manifestSource(await collectAppFiles(appDir)),
    manifestSource({ routes: ["./routes/index.tsx"], islands: [] }),
    manifestSource({ routes: [], islands: [] }),
  ];
  const dir = await Deno.makeTempDir();
  try {
    const paths = sources.map((_, i) => `${dir}/m${i}.ts`);
    await Promise.all(sources.map((s, i) => Deno.writeTextFile(paths[i], s)));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--check", ...paths],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the manifest imports statically and names no file system path", async () => {
  const source = manifestSource(await collectAppFiles(appDir));
  assert.match(source, /^import \* as \$0 from "\.\/routes\//m);
  assert.doesNotMatch(source, /import\(/);
  assert.match(source, /baseUrl: import\.meta\.url,/);
  assert.doesNotMatch(source, new RegExp(appDir));
});

Deno.test("every Fresh 1.7 fixture app's fresh.gen.ts is what the generator writes", async (t) => {
  const root = new URL("../fixtures/fresh17/", import.meta.url);
  for await (const entry of Deno.readDir(root)) {
    if (!entry.isDirectory) continue;
    await t.step(entry.name, async () => {
      const dir = new URL(`${entry.name}/`, root);
      const files = await collectAppFiles(fileURLToPath(dir));
      const committed = await Deno.readTextFile(new URL("fresh.gen.ts", dir));
      assert.equal(manifestSource(files), committed);
    });
  }
});

Deno.test("islands in (_islands) route folders are islands, other (_…) folders no routes, and test files neither", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const files = [
      "routes/index.tsx",
      "routes/shop/(_islands)/Cart.tsx",
      "routes/shop/(_components)/Price.tsx",
      "routes/shop/index.tsx",
      "routes/shop/index_test.ts",
      "routes/shop/cart.test.tsx",
      "islands/forms/Field.tsx",
      "islands/types.d.ts",
    ];
    for (const file of files) {
      await Deno.mkdir(`${dir}/${file.slice(0, file.lastIndexOf("/"))}`, {
        recursive: true,
      });
      await Deno.writeTextFile(`${dir}/${file}`, "");
    }
    await t.step("by default", async () => {
      assert.deepEqual(await collectAppFiles(dir), {
        routes: ["./routes/index.tsx", "./routes/shop/index.tsx"],
        islands: [
          "./islands/forms/Field.tsx",
          "./routes/shop/(_islands)/Cart.tsx",
        ],
      });
    });
    await t.step("with router.ignoreFilePattern", async () => {
      const found = await collectAppFiles(dir, /forms\//);
      assert.deepEqual(found.islands, ["./routes/shop/(_islands)/Cart.tsx"]);
      assert.ok(found.routes.includes("./routes/shop/index_test.ts"));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
