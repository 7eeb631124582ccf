import { createHandler, type ServeHandler } from "./handler.ts";
import type { FreshConfig, Manifest, Plugin, ServerOptions } from "./types.ts";

/** Where to listen, or why the configuration is unusable. */
export type ListenOptions =
  | { ok: true; port: number; hostname: string }
  | { ok: false; error: string };

/**
 * Reads PORT (default 3000, 0 for any free port) and HOSTNAME (default
 * 0.0.0.0); `server` options from the config win over the environment.
 */
export function listenOptions(
  env: (name: string) => string | undefined,
  server: ServerOptions = {},
): ListenOptions {
  const port = server.port === undefined
    ? env("PORT") ?? "3000"
    : String(server.port);
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    const error = `PORT must be an integer from 0 to 65535, got ${
      JSON.stringify(port)
    }`;
    return { ok: false, error };
  }
  const hostname = server.hostname ?? env("HOSTNAME") ?? "0.0.0.0";
  if (!/^[\w.:%[\]-]+$/.test(hostname)) {
    const error = `HOSTNAME must be a host name or an IP address, got ${
      JSON.stringify(hostname)
    }`;
    return { ok: false, error };
  }
  return { ok: true, port: Number(port), hostname };
}

/** Pause before listening again after the `failures`-th descriptor exhaustion in a row. */
export function relistenDelay(failures: number): number {
  return Math.min(100 * 2 ** Math.max(failures - 1, 0), 3200);
}

const isTooManyOpenFiles = (error: unknown) =>
  /too many open files|os error 24/i.test(String(error));

/** Runs every plugin's `shutdown` hook at once; a failing hook is logged, not fatal. */
export async function runShutdownHooks(plugins: Plugin[]): Promise<void> {
  const hooks = plugins.filter((p) => p.shutdown);
  const results = await Promise.allSettled(hooks.map((p) => p.shutdown!()));
  results.forEach((r, i) => {
    // One line, no stack trace: shutdown often comes at the descriptor limit,
    // where Deno 2.9.6 panics if it cannot read a source map to format one.
    if (r.status === "rejected") {
      console.error(
        `error: shutdown of plugin ${hooks[i].name} failed: ${r.reason}`,
      );
    }
  });
}

/**
 * Serves the app with `Deno.serve` until SIGINT/SIGTERM (then runs the
 * plugins' shutdown hooks, drains, and exits 0) or `server.signal` aborts.
 * When the process runs out of file descriptors it keeps answering what it
 * holds and listens again on the same port after a short pause.
 */
export async function start(
  manifest: Manifest,
  config: FreshConfig = {},
): Promise<void> {
  const listen = listenOptions((name) => Deno.env.get(name), config.server);
  if (!listen.ok) {
    console.error(`error: ${listen.error}`);
    Deno.exit(1);
  }
  const handler = await createHandler(manifest, config);
  const reusePort = config.server?.reusePort ?? false;
  await serve(handler, listen.port, listen.hostname, config, reusePort);
}

function serve(
  handler: ServeHandler,
  firstPort: number,
  hostname: string,
  config: FreshConfig,
  reusePort: boolean,
): Promise<void> {
  const done = Promise.withResolvers<void>();
  let port = firstPort;
  let server: Deno.HttpServer<Deno.NetAddr> | null = null;
  let listened = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let lastListen = 0;
  let stopping = false;

  const onListen = (addr: Deno.NetAddr) => {
    port = addr.port;
    if (listened) return;
    listened = true;
    if (config.server?.onListen) return config.server.onListen(addr);
    const host = addr.hostname.includes(":")
      ? `[${addr.hostname}]`
      : addr.hostname;
    console.log(`Listening on http://${host}:${addr.port}/`);
  };

  const exhausted = () => {
    failures = Date.now() - lastListen < 5_000 ? failures + 1 : 1;
    const delay = relistenDelay(failures);
    console.error(
      `error: too many open files: not accepting on port ${port}; listening again in ${delay} ms`,
    );
    retry = setTimeout(listen, delay);
  };

  function listen(): void {
    lastListen = Date.now();
    let current: Deno.HttpServer<Deno.NetAddr>;
    try {
      current = Deno.serve({ port, hostname, onListen, reusePort }, handler);
    } catch (error) {
      if (!listened || !isTooManyOpenFiles(error)) throw error;
      return exhausted();
    }
    server = current;
    // Connections already accepted are still served after `finished` rejects.
    current.finished.then(() => {
      if (server === current) done.resolve();
    }, (error) => {
      if (server === current) server = null;
      if (stopping) return;
      if (isTooManyOpenFiles(error)) exhausted();
      else done.reject(error);
    });
  }

  const stop = async (exit: boolean) => {
    if (stopping) {
      if (exit) Deno.exit(1); // A second signal does not wait.
      return;
    }
    stopping = true;
    clearTimeout(retry);
    const deadline = setTimeout(() => {
      console.error("error: shutdown took over 10 s; exiting");
      Deno.exit(1);
    }, 10_000);
    await runShutdownHooks(config.plugins ?? []);
    await server?.shutdown();
    clearTimeout(deadline);
    for (const [name, fn] of signals) Deno.removeSignalListener(name, fn);
    if (exit) Deno.exit(0);
    done.resolve();
  };

  const signals = (["SIGINT", "SIGTERM"] as const).map((name) =>
    [name, () => void stop(true)] as const
  );
  for (const [name, fn] of signals) Deno.addSignalListener(name, fn);
  config.server?.signal?.addEventListener("abort", () => void stop(false));
  listen();
  return done.promise;
}
