/**
 * The app as a `deno serve` module, for `deno task start:parallel`: every
 * worker of `deno serve --parallel` runs this module with its own store on
 * the one KV database, and a poll held by one worker is woken by an update
 * sent to another (through `kv.watch`). `deno serve` listens where its
 * `--port` and `--host` flags say; PORT and HOSTNAME are not read here.
 */
import { createHandler, runShutdownHooks } from "$fresh/server.ts";
import manifest from "./fresh.gen.ts";
import config from "./fresh.config.ts";
import { bootStatusService } from "./lib/app/boot.ts";
import { parallelRefusal } from "./lib/app/parallel_refusal.ts";

const problem = parallelRefusal((name) => Deno.env.get(name));
if (problem !== undefined) {
  console.error(`error: ${problem}`);
  Deno.exit(1);
}

await bootStatusService();
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
