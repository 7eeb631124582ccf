/**
 * The app's configuration as it runs (`ctx.config`), resolved once at start;
 * what Fresh 1.7 accepts there and the core does not is refused here, in one
 * line naming the option.
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { internal } from "./internal.ts";
import type { FreshConfig, ResolvedFreshConfig } from "./types.ts";
import { StartError, unsupported } from "./unsupported.ts";

const WHERE = "fresh.config.ts";

// Options of Fresh 1.7's config that the core does not implement.
const REFUSED_TOP_LEVEL: Record<string, string> = {
  cert: "TLS (cert)",
  key: "TLS (key)",
  port: "the deprecated top-level option port (use server.port)",
  hostname: "the deprecated top-level option hostname (use server.hostname)",
  signal: "the deprecated top-level option signal (use server.signal)",
  reusePort: "the deprecated top-level option reusePort (use server.reusePort)",
  onListen: "the deprecated top-level option onListen (use server.onListen)",
  onError: "the option onError",
};
const REFUSED_SERVER: Record<string, string> = {
  cert: "TLS (server.cert)",
  key: "TLS (server.key)",
  onError: "server.onError",
};

function dirOf(path: string, appDir: string): string {
  if (path.startsWith("file:")) return fileURLToPath(path);
  return isAbsolute(path) ? path : resolve(appDir, path);
}

/** Throws for options of `config` the core does not implement. */
export function refuseUnsupported(config: FreshConfig): void {
  const loose = config as Record<string, unknown>;
  for (const [key, feature] of Object.entries(REFUSED_TOP_LEVEL)) {
    if (loose[key] !== undefined) throw unsupported(feature, WHERE);
  }
  const server = (config.server ?? {}) as Record<string, unknown>;
  for (const [key, feature] of Object.entries(REFUSED_SERVER)) {
    if (server[key] !== undefined) throw unsupported(feature, WHERE);
  }
  const target = config.build?.target;
  if (target !== undefined && [target].flat().join() !== "es2022") {
    throw unsupported(`build.target ${JSON.stringify(target)}`, WHERE);
  }
  const basePath = config.router?.basePath;
  if (basePath !== undefined && !/^(\/[^/?#]+)*$/.test(basePath)) {
    throw new StartError(
      `${WHERE}: router.basePath must be "" or start with "/" and not end with it, got ${
        JSON.stringify(basePath)
      }`,
    );
  }
}

/**
 * Resolves `config` for the app in `appDir` (directories made absolute,
 * defaults filled in) and runs the plugins' `configResolved` hooks.
 */
export async function resolveConfig(
  config: FreshConfig,
  appDir: string,
): Promise<ResolvedFreshConfig> {
  refuseUnsupported(config);
  const resolved: ResolvedFreshConfig = {
    dev: internal.dev,
    build: {
      outDir: dirOf(config.build?.outDir ?? "_fresh", appDir),
      target: config.build?.target ?? "es2022",
    },
    render: config.render ?? ((_ctx, render) => void render()),
    plugins: config.plugins ?? [],
    staticDir: dirOf(config.staticDir ?? "static", appDir),
    router: config.router,
    server: config.server ?? {},
    basePath: config.router?.basePath ?? "",
  };
  for (const plugin of resolved.plugins) {
    await plugin.configResolved?.(resolved);
  }
  return resolved;
}
