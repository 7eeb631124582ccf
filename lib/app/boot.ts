import { ConfigError, parseConfig, readOpenFileLimit } from "./config.ts";
import { installStatusService } from "./current_service.ts";
import { StoreOpenError } from "../stores/status_store.ts";
import { openStatusService, type StatusService } from "./status_service.ts";

/**
 * Reads the configuration from the environment, opens the store and makes
 * the service the one the routes use. A bad variable, or a store that
 * cannot be opened, stops the process with one line naming it.
 *
 * @example
 * ```ts
 * const service = await bootStatusService();
 * await start(manifest, { ...config, server: { reusePort: service.config.reusePort } });
 * ```
 */
export async function bootStatusService(): Promise<StatusService> {
  try {
    const config = parseConfig(
      (name) => Deno.env.get(name),
      readOpenFileLimit(),
    );
    const service = await openStatusService(config);
    installStatusService(service);
    return service;
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof StoreOpenError)) {
      throw error;
    }
    console.error(`error: ${error.message}`);
    Deno.exit(1);
  }
}
