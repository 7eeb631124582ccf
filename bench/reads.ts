/**
 * Figure 4: requests per second of `GET /get-status` over keep-alive
 * connections, each sending its next request as soon as the answer is in.
 */
import { wallNow } from "./clock.ts";
import { CpuMeter, MachineMeter, type MachineUsage } from "./proc_stats.ts";
import type { ServerProcess } from "./server_process.ts";
import { eventOf, type LoadWorker, share } from "./worker_pool.ts";

/** Knobs of one read run. */
export interface ReadsOptions {
  connections: number;
  durationMs: number;
  /**
   * The same load, not counted, before the measured window: the read path
   * of a fresh server is still being compiled for its first seconds.
   */
  warmupMs?: number;
}

/** What one read run measured. */
export interface ReadsResult {
  connections: number;
  durationMs: number;
  completed: number;
  failed: number;
  perSecond: number;
  errors: Record<string, number>;
  clientCpuPct: number | null;
  serverCpuPct: number | null;
  /** The whole machine over the same window (client, server and anything else). */
  machine: MachineUsage | null;
}

let nextId = 2_000_000;

/** Runs one timed read loop against a started server. */
export async function runReads(
  server: ServerProcess,
  workers: LoadWorker[],
  options: ReadsOptions,
): Promise<ReadsResult> {
  if (options.warmupMs) {
    await readFor(server, workers, options.connections, options.warmupMs);
  }
  // Leave time to connect so the measured window holds only requests.
  const startAt = wallNow() + 500;
  const endAt = startAt + options.durationMs;
  const id = await sendReads(
    server,
    workers,
    options.connections,
    startAt,
    endAt,
  );
  await new Promise((r) => setTimeout(r, Math.max(0, startAt - wallNow())));
  const clientCpu = new CpuMeter(
    [Deno.pid, ...workers.map((w) => w.pid)],
  );
  const serverCpu = new CpuMeter([server.pid]);
  const machineCpu = new MachineMeter();
  await new Promise((r) => setTimeout(r, Math.max(0, endAt - wallNow())));
  const seconds = (wallNow() - startAt) / 1000;
  const clientSeconds = clientCpu.seconds();
  const serverSeconds = serverCpu.seconds();
  const machine = machineCpu.usage();
  const done = await Promise.all(
    workers.map((w) => w.next(eventOf("reads_done", id), 30_000)),
  );
  const errors: Record<string, number> = {};
  for (const e of done) {
    for (const [reason, n] of Object.entries(e.errors)) {
      errors[reason] = (errors[reason] ?? 0) + n;
    }
  }
  const completed = done.reduce((n, e) => n + e.completed, 0);
  return {
    connections: options.connections,
    durationMs: options.durationMs,
    completed,
    failed: done.reduce((n, e) => n + e.failed, 0),
    perSecond: completed / (options.durationMs / 1000),
    errors,
    clientCpuPct: (clientSeconds / seconds) * 100,
    serverCpuPct: (serverSeconds / seconds) * 100,
    machine,
  };
}

/** Tells the workers to read from `startAt` to `endAt`; the run's id. */
async function sendReads(
  server: ServerProcess,
  workers: LoadWorker[],
  connections: number,
  startAt: number,
  endAt: number,
): Promise<number> {
  const id = nextId++;
  const shares = share(connections, workers.length);
  await Promise.all(workers.map((worker, i) =>
    worker.send({
      op: "reads",
      id,
      port: server.port,
      count: shares[i],
      target: "/get-status",
      startAt,
      endAt,
    })
  ));
  return id;
}

/** Reads for `durationMs` and drops what was measured. */
async function readFor(
  server: ServerProcess,
  workers: LoadWorker[],
  connections: number,
  durationMs: number,
): Promise<void> {
  const startAt = wallNow() + 500;
  const id = await sendReads(
    server,
    workers,
    connections,
    startAt,
    startAt + durationMs,
  );
  await Promise.all(
    workers.map((w) => w.next(eventOf("reads_done", id), durationMs + 30_000)),
  );
}
