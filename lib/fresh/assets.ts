import { acceptsGzip, gzipOnce } from "./compress.ts";
import {
  type BundleEntry,
  bundleIslands,
  type IslandBundle,
  readBuild,
} from "./bundle.ts";

/** The app's browser code: built once (or read from the build), then served. */
export interface JsAssets {
  buildId: string;
  /** URL prefix of the bundle files: `<basePath>/_frsh/js/<buildId>/`. */
  base: string;
  /** True when the app has browser code of its own (islands, plugin scripts). */
  hasEntries: boolean;
  /** The bundle, made on first need; a failure is retried on the next call. */
  bundle(): Promise<IslandBundle>;
  /** The bundle if it is made already. */
  loaded(): IslandBundle | undefined;
  /** Answers a request for `path` under `/_frsh/js/`. */
  serve(req: Request, path: string): Promise<Response>;
}

/** Where the bundle files are served, under the base path. */
export const JS_PREFIX = "/_frsh/js/";

/**
 * Uses the build in `outDir` when it was made for these entries (not in
 * development); otherwise bundles on first need and keeps it in memory.
 */
export async function createJsAssets(options: {
  outDir: string;
  entries: BundleEntry[];
  dev: boolean;
  basePath: string;
}): Promise<JsAssets> {
  const { outDir, entries } = options;
  const built = options.dev ? null : await readBuild(outDir, entries);
  const buildId = built?.buildId ?? Deno.env.get("DENO_DEPLOYMENT_ID") ??
    crypto.randomUUID().slice(0, 8);
  const base = `${options.basePath}${JS_PREFIX}${buildId}/`;
  let pending = built ? Promise.resolve(built) : null;
  let loaded = built ?? undefined;
  const bundle = () =>
    pending ??= bundleIslands(`${outDir}/js`, entries, buildId).then(
      (made) => loaded = made,
      (error) => {
        pending = null;
        throw error;
      },
    );
  return {
    buildId,
    base,
    hasEntries: entries.length > 0,
    bundle,
    loaded: () => loaded,
    async serve(req, path) {
      const file = path.startsWith(base)
        ? (await bundle()).files.get(path.slice(base.length))
        : undefined;
      if (file === undefined) return new Response("Not Found", { status: 404 });
      const headers: Record<string, string> = {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=31536000, immutable",
        vary: "accept-encoding",
      };
      if (!acceptsGzip(req)) return new Response(file, { headers });
      headers["content-encoding"] = "gzip";
      return new Response(await gzipOnce(path, file), { headers });
    },
  };
}
