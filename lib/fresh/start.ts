import { createHandler, type ServeHandler } from "./handler.ts";
import {
  ConnectionBudget,
  type ConnectionCaps,
  connectionCaps,
} from "./connection_budget.ts";
import {
  acceptDelay,
  DEFAULT_TIMEOUTS,
  type Http1Server,
  isTooManyOpenFiles,
  serveHttp1,
  type ServerTimeouts,
} from "./http1_server.ts";
import { countOpenFiles, readOpenFileLimit } from "./open_files.ts";
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
export const relistenDelay: (failures: number) => number = acceptDelay;

/** The connection deadlines `server` asks for, defaults filled in. */
export function serverTimeouts(server: ServerOptions = {}): ServerTimeouts {
  return { ...DEFAULT_TIMEOUTS, ...server.timeouts };
}

/**
 * The connection caps of the guarded server: `maxConnections` when given
 * (then new connections get 503 a 32nd past it), else from the open-file
 * limit and the files already open.
 */
export function serverCaps(
  server: ServerOptions,
  limit: number | undefined,
  inUse: number,
): ConnectionCaps {
  const max = server.maxConnections;
  if (max === undefined) return connectionCaps(limit, inUse);
  return { soft: max, hard: max + Math.max(1, Math.floor(max / 32)) };
}

/** A buffer for `config.server.sharedConnections`, created once and given to every worker of a process. */
export function sharedConnectionBuffer(): SharedArrayBuffer {
  return ConnectionBudget.sharedBuffer();
}

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
 * Serves the app until SIGINT/SIGTERM (then runs the plugins' shutdown
 * hooks, drains, and exits 0) or `server.signal` aborts. The guarded
 * engine (the default) closes connections that miss their deadlines and,
 * when descriptors run short, the oldest idle or slow ones; when the
 * process runs out of descriptors anyway, it keeps answering what it holds
 * and accepts again after a short pause.
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
  await serve(handler, listen.port, listen.hostname, config);
}

/** A server that can be stopped, whichever engine runs it. */
interface Running {
  shutdown(): Promise<void>;
}

function serve(
  handler: ServeHandler,
  port: number,
  hostname: string,
  config: FreshConfig,
): Promise<void> {
  const options = config.server ?? {};
  const done = Promise.withResolvers<void>();
  let stopping = false;
  let listened = false;

  const onListen = (addr: Deno.NetAddr) => {
    if (listened) return;
    listened = true;
    if (options.onListen) return options.onListen(addr);
    const host = addr.hostname.includes(":")
      ? `[${addr.hostname}]`
      : addr.hostname;
    console.log(`Listening on http://${host}:${addr.port}/`);
  };

  const engine = options.engine ??
    (Deno.env.get("DENO_DEPLOYMENT_ID") ? "deno" : "guarded");
  const running = engine === "guarded"
    ? serveGuarded(handler, port, hostname, options, onListen)
    : serveDeno(handler, port, hostname, options, onListen, done);

  const stop = async (exit: boolean) => {
    if (stopping) {
      if (exit) Deno.exit(1); // A second signal does not wait.
      return;
    }
    stopping = true;
    const deadline = setTimeout(() => {
      console.error("error: shutdown took over 10 s; exiting");
      Deno.exit(1);
    }, 10_000);
    await runShutdownHooks(config.plugins ?? []);
    await running.shutdown();
    clearTimeout(deadline);
    for (const [name, fn] of signals) Deno.removeSignalListener(name, fn);
    if (exit) Deno.exit(0);
    done.resolve();
  };

  const signals = options.handleSignals === false
    ? []
    : (["SIGINT", "SIGTERM"] as const).map((name) =>
      [name, () => void stop(true)] as const
    );
  for (const [name, fn] of signals) Deno.addSignalListener(name, fn);
  options.signal?.addEventListener("abort", () => void stop(false));
  return done.promise;
}

function serveGuarded(
  handler: ServeHandler,
  port: number,
  hostname: string,
  options: ServerOptions,
  onListen: (addr: Deno.NetAddr) => void,
): Running {
  const caps = serverCaps(options, readOpenFileLimit(), countOpenFiles() ?? 0);
  const server: Http1Server = serveHttp1({
    port,
    hostname,
    reusePort: options.reusePort ?? false,
    timeouts: serverTimeouts(options),
    budget: new ConnectionBudget(caps, options.sharedConnections),
    onListen,
    onLog: (line) => console.error(line),
  }, handler);
  return server;
}

/** `Deno.serve`, listening again with backoff when descriptors run out. */
function serveDeno(
  handler: ServeHandler,
  firstPort: number,
  hostname: string,
  options: ServerOptions,
  onListen: (addr: Deno.NetAddr) => void,
  done: PromiseWithResolvers<void>,
): Running {
  const reusePort = options.reusePort ?? false;
  let port = firstPort;
  let server: Deno.HttpServer<Deno.NetAddr> | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let lastListen = 0;
  let stopping = false;
  let listened = false;

  const listening = (addr: Deno.NetAddr) => {
    port = addr.port;
    listened = true;
    onListen(addr);
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
      current = Deno.serve(
        { port, hostname, onListen: listening, reusePort },
        handler,
      );
    } catch (error) {
      if (!listened || !isTooManyOpenFiles(error)) throw error;
      return exhausted();
    }
    server = current;
    // Connections already accepted are still served after `finished` rejects.
    current.finished.then(() => {
      if (server === current && !stopping) done.resolve();
    }, (error) => {
      if (server === current) server = null;
      if (stopping) return;
      if (isTooManyOpenFiles(error)) exhausted();
      else done.reject(error);
    });
  }

  listen();
  return {
    async shutdown() {
      stopping = true;
      clearTimeout(retry);
      await server?.shutdown();
    },
  };
}
