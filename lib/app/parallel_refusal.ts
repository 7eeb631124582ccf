import { ConfigError, type Env, parseConfig } from "./config.ts";

/**
 * Why this configuration cannot run on `deno serve --parallel` workers, or
 * undefined when it can: each worker would keep its own memory store.
 */
export function parallelRefusal(env: Env): string | undefined {
  try {
    const { store } = parseConfig(env, undefined);
    if (store !== "memory") return undefined;
    return "STATUS_STORE=memory cannot run on parallel workers: each would keep its own status; " +
      "use STATUS_STORE=kv (the default), or one process with deno task start";
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}
