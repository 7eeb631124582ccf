import { fileURLToPath } from "node:url";
import { bundleIslands, contentId, writeBuild } from "./bundle.ts";
import { internal } from "./internal.ts";
import { writeManifest } from "./manifest.ts";
import type { FreshConfig } from "./types.ts";

/**
 * Regenerates `fresh.gen.ts` next to `base`, then either builds the island
 * bundles into `_fresh/` (`deno run -A dev.ts build`) or starts the app by
 * importing `entrypoint`, ignoring any `_fresh/` build.
 */
export default async function dev(
  base: string,
  entrypoint: string,
  _config: FreshConfig = {},
): Promise<void> {
  const appDir = fileURLToPath(new URL(".", base));
  const files = await writeManifest(appDir);
  console.log(
    `Manifest: ${files.routes.length} routes, ${files.islands.length} islands.`,
  );
  if (Deno.args[0] === "build") {
    const bundle = await bundleIslands(appDir, files.islands, "");
    bundle.buildId = await contentId(bundle.files);
    await writeBuild(appDir, bundle);
    console.log(`Built ${bundle.files.size} files into _fresh/.`);
    return;
  }
  internal.dev = true;
  await import(new URL(entrypoint, base).href);
}
