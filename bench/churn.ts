/**
 * Figure 3: clients re-poll at once after every answer while updates are
 * sent at a steady rate. Measures the update rate sustained until every
 * client has the final version, the delivery latency of each update to each
 * client, and anything lost.
 */
import { wallNow } from "./clock.ts";
import { answersNormally, Control, otherStatus } from "./control.ts";
import {
  CpuMeter,
  MachineMeter,
  type MachineUsage,
  waitIdle,
} from "./proc_stats.ts";
import type { ServerProcess } from "./server_process.ts";
import { type LatencySummary, summarise } from "./stats.ts";
import type { ChurnClient } from "./worker_protocol.ts";
import { eventOf, type LoadWorker, share } from "./worker_pool.ts";

/** Knobs of one churn run. */
export interface ChurnOptions {
  clients: number;
  updates: number;
  /** Updates per second asked for; each update also waits for the previous answer. */
  rate: number;
  timeoutMs: number;
}

/** What one churn run measured. */
export interface ChurnResult {
  clients: number;
  updates: number;
  /** Updates that the server acknowledged. */
  updatesSent: number;
  targetRate: number;
  /** Intervals between updates / (first send → every client holding the final version). */
  sustainedPerSecond: number | null;
  /** Rate of the update requests alone. */
  sendPerSecond: number | null;
  /** Time from sending update v to a client's first answer at version ≥ v. */
  delivery: LatencySummary;
  updateLatency: LatencySummary;
  /** Answers received by all clients together. */
  answers: number;
  onFinalVersion: number;
  /** Clients that did not end on the final version, plus versions missing from `changes`. */
  lost: number;
  /** Versions neither answered nor listed in `changes`; null when the server sends no `changes`. */
  missingFromChanges: number | null;
  timeouts: number;
  clientErrors: Record<string, number>;
  clientCpuPct: number | null;
  serverCpuPct: number | null;
  /** The whole machine over the same window (client, server and anything else). */
  machine: MachineUsage | null;
  answersAfter: boolean;
}

let nextId = 1_000_000;

/** Delivery latencies: for each client and version, first answer at or past it minus its send time. */
export function deliveryLatencies(
  clients: readonly ChurnClient[],
  sentAt: ReadonlyMap<number, number>,
): number[] {
  const versions = [...sentAt.keys()].sort((a, b) => a - b);
  const out: number[] = [];
  for (const client of clients) {
    let i = 0;
    for (const v of versions) {
      while (i < client.versions.length && client.versions[i] < v) i++;
      if (i === client.versions.length) break;
      out.push(client.at[i] - sentAt.get(v)!);
    }
  }
  return out;
}

/** Runs one churn against a started server. */
export async function runChurn(
  server: ServerProcess,
  workers: LoadWorker[],
  options: ChurnOptions,
): Promise<ChurnResult> {
  const control = await Control.open(server.port);
  try {
    return await churnWith(control, server, workers, options);
  } finally {
    control.close();
  }
}

async function churnWith(
  control: Control,
  server: ServerProcess,
  workers: LoadWorker[],
  options: ChurnOptions,
): Promise<ChurnResult> {
  const start = await control.state();
  const finalVersion = start.version + options.updates;
  const id = nextId++;
  const shares = share(options.clients, workers.length);
  const deadline = wallNow() + options.timeoutMs;
  await Promise.all(workers.map((worker, i) =>
    worker.send({
      op: "churn",
      id,
      port: server.port,
      count: shares[i],
      startVersion: start.version,
      finalVersion,
      epoch: start.epoch,
      deadline,
    })
  ));
  await Promise.all(
    workers.map((w) => w.next(eventOf("churn_ready", id), options.timeoutMs)),
  );
  await waitIdle(server.pid, 10_000);

  const clientCpu = new CpuMeter(
    [Deno.pid, ...workers.map((w) => w.pid)],
  );
  const serverCpu = new CpuMeter([server.pid]);
  const machineCpu = new MachineMeter();
  const sentAt = new Map<number, number>();
  const updateMs: number[] = [];
  let status = start.status;
  const firstAt = wallNow();
  const interval = 1000 / options.rate;
  for (let i = 0; i < options.updates && wallNow() < deadline; i++) {
    const due = firstAt + i * interval;
    const wait = due - wallNow();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    status = otherStatus(status);
    const bytes = control.updateBytes(status);
    const at = wallNow();
    const { response, state } = await control.update(bytes);
    sentAt.set(state.version, at);
    updateMs.push(response.at - at);
  }
  const lastSentAt = Math.max(firstAt, ...sentAt.values());
  const done = await Promise.all(
    workers.map((w) =>
      w.next(eventOf("churn_done", id), options.timeoutMs + 30_000)
    ),
  );
  const endAt = wallNow();
  const cpuWindow = (endAt - firstAt) / 1000;
  const clientSeconds = clientCpu.seconds();
  const serverSeconds = serverCpu.seconds();
  const machine = machineCpu.usage();

  const clients = done.flatMap((e) => e.clients);
  let onFinal = 0;
  let finishedAt = firstAt;
  let missing: number | null = null;
  let timeouts = 0;
  let answers = 0;
  const clientErrors: Record<string, number> = {};
  for (const client of clients) {
    answers += client.versions.length;
    timeouts += client.timeouts;
    if (client.error) {
      clientErrors[client.error] = (clientErrors[client.error] ?? 0) + 1;
    }
    if (client.missing !== null) missing = (missing ?? 0) + client.missing;
    const last = client.versions.length - 1;
    if (last >= 0 && client.versions[last] === finalVersion) {
      onFinal++;
      finishedAt = Math.max(finishedAt, client.at[last]);
    }
  }
  const allDelivered = onFinal === clients.length &&
    sentAt.size === options.updates;
  return {
    clients: clients.length,
    updates: options.updates,
    updatesSent: sentAt.size,
    targetRate: options.rate,
    sustainedPerSecond: allDelivered
      ? (options.updates - 1) / ((finishedAt - firstAt) / 1000)
      : null,
    sendPerSecond: (sentAt.size - 1) / ((lastSentAt - firstAt) / 1000),
    delivery: summarise(deliveryLatencies(clients, sentAt)),
    updateLatency: summarise(updateMs),
    answers,
    onFinalVersion: onFinal,
    lost: (options.clients - onFinal) + (missing ?? 0),
    missingFromChanges: missing,
    timeouts,
    clientErrors,
    clientCpuPct: (clientSeconds / cpuWindow) * 100,
    serverCpuPct: (serverSeconds / cpuWindow) * 100,
    machine,
    answersAfter: server.alive && await answersNormally(server.port),
  };
}
