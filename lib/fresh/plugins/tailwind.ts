/**
 * `$fresh/plugins/tailwind.ts`: Tailwind CSS (v3, from npm) for the
 * stylesheets in `static/`. A request for one (`/styles.css`) gets it run
 * through Tailwind with the app's `tailwind.config.ts`, whose `content`
 * globs are read relative to the app; the result is kept, except in
 * development, where each request rebuilds it.
 */
import { dirname, isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Config } from "tailwindcss";
import { internal } from "../internal.ts";
import { serveBytes } from "../static_files.ts";
import type { Plugin, ResolvedFreshConfig } from "../types.ts";
import { unsupported } from "../unsupported.ts";

/** Options of the plugin; Fresh 1.7's only one (`dest`) names a build output the core does not write. */
export type TailwindPluginOptions = Record<string, never>;

async function loadConfig(root: string): Promise<Config> {
  const file = join(root, "tailwind.config.ts");
  let mod: { default?: Config };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new Error(
      `tailwind: cannot load tailwind.config.ts next to the static directory: ${error}`,
    );
  }
  const config = mod.default;
  if (!config || !Array.isArray(config.content)) {
    throw new Error("tailwind.config.ts: export default { content: [...] }");
  }
  return {
    ...config,
    content: config.content.map((glob) =>
      typeof glob === "string" && !isAbsolute(glob) ? join(root, glob) : glob
    ),
  };
}

/** The Tailwind plugin of Fresh 1.7: `plugins: [tailwind()]`. */
export default function tailwind(options: TailwindPluginOptions = {}): Plugin {
  for (const option of Object.keys(options)) {
    throw unsupported(
      `the tailwind plugin option "${option}"`,
      "fresh.config.ts",
    );
  }
  let resolved: ResolvedFreshConfig | undefined;
  const built = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  const build = async (file: string) => {
    const root = dirname(resolved!.staticDir);
    // Loaded on first use: Tailwind reads the environment when imported.
    const [{ default: postcss }, { default: tailwindCss }] = await Promise.all(
      [import("postcss"), import("tailwindcss")],
    );
    const processor = postcss([tailwindCss(await loadConfig(root))]);
    const css = await processor.process(await Deno.readTextFile(file), {
      from: file,
    });
    return new TextEncoder().encode(css.css);
  };
  return {
    name: "tailwind",
    configResolved(config) {
      resolved = config;
    },
    middlewares: [{
      path: "/",
      middleware: {
        handler(req, ctx) {
          const path = ctx.url.pathname.slice(ctx.basePath.length);
          if (ctx.destination !== "static" || !path.endsWith(".css")) {
            return ctx.next();
          }
          const file = join(resolved!.staticDir, decodeURIComponent(path));
          let css = resolved!.dev ? undefined : built.get(file);
          if (!css) {
            css = build(file);
            built.set(file, css);
            css.catch(() => built.delete(file));
          }
          return css.then((bytes) =>
            serveBytes(req, bytes, "text/css; charset=utf-8", internal.buildId)
          );
        },
      },
    }],
  };
}
