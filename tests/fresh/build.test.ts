import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { listFiles } from "../../lib/fresh/walk.ts";
import { APP, ROOT } from "./fixture.ts";
import { listeningUrl, spawnApp, stopFixture } from "./process.ts";

/** A copy of the fixture app, without manifest or build, in a temporary directory. */
async function copyApp(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fresh-app-" });
  for (const file of await listFiles(fileURLToPath(APP))) {
    if (file.startsWith("_fresh/") || file === "fresh.gen.ts") continue;
    await Deno.mkdir(join(dir, file, ".."), { recursive: true });
    await Deno.copyFile(new URL(file, APP), join(dir, file));
  }
  return dir;
}

// The copy lives outside the repository, so it names the import map.
const FLAGS = ["--config", fileURLToPath(new URL("deno.json", ROOT))];

Deno.test("dev.ts build writes the manifest and the island bundles, and start() serves that build", async (t) => {
  const dir = await copyApp();
  try {
    await t.step("build", async () => {
      const build = spawnApp({
        main: pathToFileURL(join(dir, "dev.ts")),
        flags: FLAGS,
        args: ["build"],
      });
      const status = await build.exit();
      assert.equal(status.code, 0, build.stderr());
      assert.equal(
        await Deno.readTextFile(join(dir, "fresh.gen.ts")),
        await Deno.readTextFile(new URL("fresh.gen.ts", APP)),
      );
    });
    const meta = JSON.parse(
      await Deno.readTextFile(join(dir, "_fresh", "meta.json")),
    );
    await t.step(
      "the build lists the runtime, client navigation and both islands under a content-derived id",
      () => {
        assert.match(meta.buildId, /^[0-9a-f]{16}$/);
        assert.deepEqual(Object.keys(meta.entries), [
          "$runtime",
          "$nav",
          "./islands/Counter.tsx",
          "./islands/Greeting.tsx",
        ]);
      },
    );
    await t.step("start() serves the built files, never bundling", async () => {
      const app = spawnApp({
        main: pathToFileURL(join(dir, "main.ts")),
        flags: FLAGS,
      });
      try {
        const url = await listeningUrl(app);
        const page = await (await fetch(`${url}/`)).text();
        const counter = page.match(/from"([^"]+\/Counter\.js)"/)![1];
        assert.equal(
          counter,
          `/_frsh/js/${meta.buildId}/${meta.entries["./islands/Counter.tsx"]}`,
        );
        const served = await (await fetch(url + counter)).text();
        const built = await Deno.readTextFile(
          join(dir, "_fresh", "js", meta.entries["./islands/Counter.tsx"]),
        );
        assert.equal(served, built);
        assert.equal((await stopFixture(app, url)).code, 0);
      } finally {
        await app.dispose();
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
