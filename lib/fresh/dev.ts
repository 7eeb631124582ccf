import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleIslands, contentId, writeBuild } from "./bundle.ts";
import { resolveConfig } from "./config.ts";
import { internal } from "./internal.ts";
import { pluginEntrypoints, pluginIslandEntries } from "./islands.ts";
import { writeManifest } from "./manifest.ts";
import type { FreshConfig } from "./types.ts";

/**
 * Regenerates `fresh.gen.ts` next to `base`, then either builds the browser
 * code into `_fresh/` (`deno run -A dev.ts build`, with the plugins'
 * `buildStart` and `buildEnd` hooks) or starts the app by importing
 * `entrypoint`, ignoring any build.
 */
export default async function dev(
  base: string,
  entrypoint: string,
  config: FreshConfig = {},
): Promise<void> {
  const appDir = fileURLToPath(new URL(".", base));
  const files = await writeManifest(appDir, config.router?.ignoreFilePattern);
  console.log(
    `Manifest: ${files.routes.length} routes, ${files.islands.length} islands.`,
  );
  if (Deno.args[0] === "build") {
    const resolved = await resolveConfig(config, appDir);
    for (const plugin of resolved.plugins) {
      await plugin.buildStart?.(resolved);
    }
    const entries = [
      ...files.islands.map((key) => ({ key, path: resolve(appDir, key) })),
      ...pluginIslandEntries(resolved.plugins),
      ...pluginEntrypoints(resolved.plugins),
    ];
    const outDir = resolved.build.outDir;
    const bundle = await bundleIslands(`${outDir}/js`, entries, "");
    bundle.buildId = await contentId(bundle.files);
    await writeBuild(outDir, bundle);
    for (const plugin of resolved.plugins) await plugin.buildEnd?.();
    console.log(`Built ${bundle.files.size} files into _fresh/.`);
    return;
  }
  internal.dev = true;
  await import(new URL(entrypoint, base).href);
}
