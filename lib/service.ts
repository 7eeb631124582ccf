/**
 * The process's one status service, opened when the app starts. A bad
 * configuration, or a store that cannot be opened, stops the process here
 * with one line naming the variable or the path.
 */
import { ConfigError, parseConfig, readOpenFileLimit } from "./config.ts";
import { StoreOpenError } from "./store.ts";
import { openStatusService, type StatusService } from "./status_service.ts";

async function open(): Promise<StatusService> {
  try {
    const config = parseConfig(
      (name) => Deno.env.get(name),
      readOpenFileLimit(),
    );
    return await openStatusService(config);
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof StoreOpenError)) {
      throw error;
    }
    console.error(`error: ${error.message}`);
    Deno.exit(1);
  }
}

/** The status service every route uses. */
export const service: StatusService = await open();
