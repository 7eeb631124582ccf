/**
 * The app as a `deno serve` module, for `deno task start:parallel`: every
 * worker of `deno serve --parallel` runs this module with its own store on
 * the one KV database, and a poll held by one worker is woken by an update
 * sent to another (through `kv.watch`). `deno serve` listens where its
 * `--port` and `--host` flags say; PORT and HOSTNAME are not read here.
 */
import { ConfigError, parseConfig } from "./lib/config.ts";

/** Why this configuration cannot run on several workers, if it cannot. */
function refusal(): string | undefined {
  try {
    const { store } = parseConfig((name) => Deno.env.get(name), undefined);
    if (store !== "memory") return undefined;
    return "STATUS_STORE=memory cannot run on parallel workers: each would keep its own status; " +
      "use STATUS_STORE=kv (the default), or one process with deno task start";
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

const problem = refusal();
if (problem !== undefined) {
  console.error(`error: ${problem}`);
  Deno.exit(1);
}

// Imported only now: loading the routes opens the store.
const { createHandler, runShutdownHooks } = await import("$fresh/server.ts");
const { default: manifest } = await import("./fresh.gen.ts");
const { default: config } = await import("./fresh.config.ts");

const handler = await createHandler(manifest, config);

// deno serve stops taking connections on SIGINT/SIGTERM, then waits for each
// worker to fall idle, which an open KV watch never does: run the plugins'
// shutdown hooks (held polls are answered, the store is closed) so it ends.
let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= runShutdownHooks(config.plugins ?? []);
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, stop);
}

// What `deno serve` runs: a default export with `fetch`.
export default { fetch: handler };
