/**
 * `deno task start:parallel`: the app in DENO_JOBS workers (default: one
 * per core), threads of this one process, all listening on PORT and
 * HOSTNAME with SO_REUSEPORT, so that the kernel spreads connections over
 * them. Each worker opens its own store on the one KV database, and a poll
 * held by one worker is woken by an update sent to another (`kv.watch`).
 *
 * The workers share this process's open-file limit, so they count what
 * fills it together: their connections (the core's connection budget) and
 * their held polls (MAX_WAITERS), each in a SharedArrayBuffer.
 *
 * This module is both the parent (started by the task) and every worker
 * (started by the parent). The parent starts one worker first (a store
 * that cannot be opened then stops everything with that worker's one line),
 * then the others; prints one "Listening on" line once all listen; on
 * SIGINT or SIGTERM asks every worker to answer its held polls and close
 * its store, and exits once all have; if a worker fails, it stops the
 * others and exits with 1.
 */
import { sharedConnectionBuffer, start } from "$fresh/server.ts";
import manifest from "./fresh.gen.ts";
import config from "./fresh.config.ts";
import { bootStatusService } from "./lib/app/boot.ts";
import { parseConfig, readOpenFileLimit } from "./lib/app/config.ts";
import { HeldPolls } from "./lib/app/held_polls.ts";
import { parallelPlan } from "./lib/app/parallel_refusal.ts";

/** What the parent tells a worker. */
type ToWorker =
  | {
    kind: "start";
    port: number;
    hostname: string;
    connections: SharedArrayBuffer;
    heldPolls: SharedArrayBuffer;
  }
  | { kind: "stop" };

/** What a worker tells the parent. */
type ToParent = { kind: "listening" } | { kind: "stopped" };

const inWorker =
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !==
    "undefined";

if (inWorker) runWorker();
else await runParent();

function runWorker(): void {
  const post = (message: ToParent) =>
    (self as unknown as Worker).postMessage(message);
  const stopping = new AbortController();
  self.onmessage = async ({ data }: MessageEvent<ToWorker>) => {
    if (data.kind === "stop") return stopping.abort();
    const service = await bootStatusService();
    service.heldPolls = new HeldPolls(
      service.config.maxWaiters,
      data.heldPolls,
    );
    await start(manifest, {
      ...config,
      server: {
        ...config.server,
        port: data.port,
        hostname: data.hostname,
        reusePort: true,
        timeouts: service.config.connectionTimeouts,
        sharedConnections: data.connections,
        // The parent takes the signals and stops every worker.
        handleSignals: false,
        signal: stopping.signal,
        onListen: () => post({ kind: "listening" }),
      },
    });
    post({ kind: "stopped" });
  };
}

async function runParent(): Promise<void> {
  const env = (name: string) => Deno.env.get(name);
  const plan = parallelPlan(env, navigator.hardwareConcurrency);
  if (!plan.ok) {
    console.error(`error: ${plan.error}`);
    Deno.exit(1);
  }
  // MAX_WAITERS from the one limit the workers share.
  const maxWaiters = parseConfig(env, readOpenFileLimit()).maxWaiters;
  let port = plan.port;
  if (port === 0) {
    // Every worker must bind the same port: pick one now.
    const probe = Deno.listen({ hostname: plan.hostname, port: 0 });
    port = probe.addr.port;
    probe.close();
  }
  const shared = {
    connections: sharedConnectionBuffer(),
    heldPolls: HeldPolls.sharedBuffer(),
  };
  const workers: Worker[] = [];
  const stopped: Promise<void>[] = [];
  let failed = false;

  const stopAll = () => {
    for (const worker of workers) worker.postMessage({ kind: "stop" });
  };
  const spawn = (index: number): Promise<void> => {
    const worker = new Worker(import.meta.url, { type: "module" });
    workers.push(worker);
    const listening = Promise.withResolvers<void>();
    const done = Promise.withResolvers<void>();
    worker.onmessage = ({ data }: MessageEvent<ToParent>) => {
      if (data.kind === "listening") listening.resolve();
      else done.resolve();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      console.error(`error: worker ${index} failed: ${event.message}`);
      failed = true;
      listening.reject(new Error(event.message));
      done.resolve();
      stopAll();
    };
    stopped.push(done.promise.then(() => worker.terminate()));
    const start: ToWorker = {
      kind: "start",
      port,
      hostname: plan.hostname,
      ...shared,
    };
    worker.postMessage(start);
    return listening.promise;
  };

  let signals = 0;
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(name, () => {
      // A second signal does not wait for the workers to answer their polls.
      if (++signals > 1) Deno.exit(1);
      stopAll();
    });
  }

  try {
    await spawn(1);
    const rest = [];
    for (let index = 2; index <= plan.workers; index++) rest.push(spawn(index));
    await Promise.all(rest);
    const host = plan.hostname.includes(":")
      ? `[${plan.hostname}]`
      : plan.hostname;
    console.log(
      `Listening on http://${host}:${port}/ (${plan.workers} workers, MAX_WAITERS ${maxWaiters} in all)`,
    );
  } catch {
    // A worker failed to start; it said why.
  }
  await Promise.all(stopped);
  Deno.exit(failed ? 1 : 0);
}
