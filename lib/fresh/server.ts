/**
 * The server half of the Fresh 1.x API that this app uses: `start`,
 * `createHandler`, `defineConfig` and the types of routes and plugins.
 */
import type { FreshConfig } from "./types.ts";

export { createHandler, type ServeHandler } from "./handler.ts";
export { runShutdownHooks, start } from "./start.ts";
export type * from "./types.ts";

/** Returns `config` as is; exists for type checking in `fresh.config.ts`. */
export function defineConfig(config: FreshConfig): FreshConfig {
  return config;
}
