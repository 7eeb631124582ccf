/**
 * Figures 1 and 2: N clients hold a poll, one update is sent, and each
 * client's time to a full answer is measured from the moment the update
 * left the coordinator; the server's resident memory is read idle and with
 * the polls held.
 */
import { wallNow } from "./clock.ts";
import { answersNormally, Control, otherStatus } from "./control.ts";
import {
  CpuMeter,
  IDLE_QUIET_MS,
  MachineMeter,
  type MachineUsage,
  readLoadAverage,
  readMachineUsedKiB,
  readRssEach,
  readRssKiB,
  waitIdle,
} from "./proc_stats.ts";
import type { ServerProcess } from "./server_process.ts";
import { type LatencySummary, summarise } from "./stats.ts";
import { eventOf, type LoadWorker, share } from "./worker_pool.ts";

/** Knobs of one fan-out. */
export interface FanoutOptions {
  n: number;
  connectConcurrency: number;
  connectTimeoutMs: number;
  /** Time allowed to open the polls; connections not started by then are counted as failed. */
  openTimeoutMs: number;
  /** Longest wait for the answers after the update. */
  answerTimeoutMs: number;
  /** Loopback addresses the clients connect to in turn (default 127.0.0.1). */
  hosts?: string[];
  /**
   * Open every connection before writing any poll, so that no hold runs out
   * while the rest are still being opened (the server must then wait for a
   * request head longer than the opening takes: HEADER_TIMEOUT_MS).
   */
  connectFirst?: boolean;
  /** Longest wait for the server to go quiet once the polls are open (default 15 s). */
  settleTimeoutMs?: number;
  /** A store server the app uses (its `redis-server`): its memory is read beside the app's. */
  storePid?: number;
  /**
   * The clients leave the answers in the kernel, stamped as they arrive,
   * until the server has gone idle, then read them: the server gets the
   * cores, as if the clients were on another machine. Only where every
   * worker's program `quiets` (the C client); otherwise they read live.
   */
  readAfter?: boolean;
}

/** Resident memory of one process of the server, idle and with the polls held. */
export interface ProcessMemory {
  pid: number;
  idleKiB: number | null;
  heldKiB: number | null;
}

/** What one fan-out measured. */
export interface FanoutResult {
  n: number;
  /** Polls whose request was written on an open connection. */
  connected: number;
  /** Time to open every connection and write its poll. */
  openMs: number;
  /** With `connectFirst`: the part of `openMs` spent opening the connections, before any poll. */
  connectMs: number | null;
  /** Holds that ran out before the update and were polled again. */
  repolls: number;
  /** True when the server went quiet before the update (it had read every poll). */
  settled: boolean;
  /** Resident memory of the server and its child processes. */
  rssIdleKiB: number | null;
  rssHeldKiB: number | null;
  /** Memory in use on the whole machine (MemTotal − MemAvailable), idle and held. */
  machineUsedIdleKiB: number | null;
  machineUsedHeldKiB: number | null;
  /** (held − idle) / clients that got the update. */
  kibPerHeldPoll: number | null;
  /** Each process of the server (the first is the one started, a cluster's supervisor). */
  processRss: ProcessMemory[];
  /** Resident memory of the store server, when one was named. */
  storeRssIdleKiB: number | null;
  storeRssHeldKiB: number | null;
  /** The machine's one-minute load average before opening, once held, after the answers. */
  loadAverage: {
    before: number | null;
    held: number | null;
    after: number | null;
  };
  /** The whole machine while the polls were being opened. */
  openMachine: MachineUsage | null;
  newVersion: number | null;
  updateError: string | null;
  /** Time from sending the update to its own answer. */
  updateMs: number | null;
  /** Clients whose answer carried the new version: the polls the server held. */
  gotUpdate: number;
  /** Latency of those answers, ms from the update. */
  latency: LatencySummary;
  rejected503: number;
  /** 503 answers that carried Retry-After. */
  retryAfter: number;
  /** Other answers (status → count), e.g. early timeouts. */
  otherAnswers: Record<string, number>;
  /** Connections that failed, by reason (refused, reset, connect timeout). */
  errors: Record<string, number>;
  /** Connections still without an answer at the deadline. */
  unanswered: number;
  /** The clients read the answers only after the server went idle (`readAfter`). */
  readAfter: boolean;
  /**
   * With `readAfter`, whether the server went quiet before the answers'
   * deadline (false: its CPU figures run to the deadline); `null` otherwise.
   */
  quietAfter: boolean | null;
  /**
   * Answers the C client had no kernel stamp for and stamped when read: with
   * `readAfter`, their latency includes the wait for the server to go idle.
   */
  unstamped: number;
  /** From the update to the last answer. */
  windowMs: number | null;
  /**
   * CPU of the load client (workers and coordinator), % of one core over the
   * window; with `readAfter`, up to the server going idle, over the answers' window.
   */
  clientCpuPct: number | null;
  serverCpuPct: number | null;
  /** The whole machine over the same window (client, server and anything else). */
  machine: MachineUsage | null;
  serverAlive: boolean;
  /** A new `GET /get-status` got 200 afterwards. */
  answersAfter: boolean;
  /** The end of the server's output when it died or ran out of descriptors. */
  serverNote: string | null;
}

let nextId = 1;

/** Time the clients get to read what waited for them once the server is quiet. */
export const READ_AFTER_MS = 10_000;

/**
 * When the clients stop waiting for answers: the answers' time after the
 * update, and, when they read only once the server was quiet (`quietAt`),
 * never less than READ_AFTER_MS after that. A server that never went quiet
 * used up the answers' time; what came meanwhile is stamped, and still gets
 * its time to be read.
 */
export function answersDeadline(
  sentAt: number,
  answerTimeoutMs: number,
  quietAt?: number,
): number {
  const deadline = sentAt + answerTimeoutMs;
  return quietAt === undefined
    ? deadline
    : Math.max(deadline, quietAt + READ_AFTER_MS);
}

/** Runs one fan-out against a started server with the given workers. */
export async function runFanout(
  server: ServerProcess,
  workers: LoadWorker[],
  options: FanoutOptions,
): Promise<FanoutResult> {
  const control = await Control.open(server.port);
  try {
    return await fanoutWith(control, server, workers, options);
  } finally {
    control.close();
  }
}

async function fanoutWith(
  control: Control,
  server: ServerProcess,
  workers: LoadWorker[],
  options: FanoutOptions,
): Promise<FanoutResult> {
  const before = await control.state();
  await waitIdle(server.pid, 5_000);
  const rssIdleKiB = server.rssKiB();
  const processesIdle = readRssEach(server.pids());
  const storeRssIdleKiB = storeRss(options.storePid);
  const machineUsedIdleKiB = readMachineUsedKiB();
  const loadBefore = readLoadAverage();
  const openMeter = new MachineMeter();
  const id = nextId++;
  const shares = share(options.n, workers.length);
  const openStart = wallNow();
  await Promise.all(workers.map((worker, i) =>
    worker.send({
      op: "fanout",
      id,
      port: server.port,
      count: shares[i],
      lastVersion: before.version,
      epoch: before.epoch,
      connectConcurrency: options.connectConcurrency,
      connectTimeoutMs: options.connectTimeoutMs,
      openDeadline: openStart + options.openTimeoutMs,
      hosts: options.hosts,
      connectFirst: options.connectFirst,
    })
  ));
  const opened = await Promise.all(workers.map((w) =>
    w.next(
      eventOf("opened", id),
      options.openTimeoutMs + 3 * options.connectTimeoutMs,
    )
  ));
  let connected = opened.reduce((n, e) => n + e.connected, 0);
  let connectMs: number | null = null;
  if (options.connectFirst) {
    connectMs = wallNow() - openStart;
    await Promise.all(
      workers.map((w) => w.send({ op: "fanout_send", id })),
    );
    const sent = await Promise.all(
      workers.map((w) => w.next(eventOf("sent", id), options.openTimeoutMs)),
    );
    connected = sent.reduce((n, e) => n + e.sent, 0);
  }
  const openMs = wallNow() - openStart;
  const openMachine = openMeter.usage();
  const settled = await waitIdle(
    server.pid,
    options.settleTimeoutMs ?? 15_000,
  );
  const rssHeldKiB = server.rssKiB();
  const processesHeld = readRssEach(server.pids());
  const storeRssHeldKiB = storeRss(options.storePid);
  const machineUsedHeldKiB = readMachineUsedKiB();
  const loadHeld = readLoadAverage();

  const readAfter = options.readAfter === true &&
    workers.every((w) => w.program.quiets);
  if (readAfter) {
    await Promise.all(workers.map((w) => w.send({ op: "fanout_quiet", id })));
    await Promise.all(
      workers.map((w) => w.next(eventOf("quiet", id), options.openTimeoutMs)),
    );
  }
  const update = control.updateBytes(otherStatus(before.status));
  const clientCpu = new CpuMeter(
    [Deno.pid, ...workers.map((w) => w.pid)],
  );
  const serverCpu = new CpuMeter(server.pids());
  const machineCpu = new MachineMeter();
  const sentAt = wallNow();
  let newVersion: number | null = null;
  let updateError: string | null = null;
  let updateMs: number | null = null;
  try {
    const { response, state } = await control.update(update);
    newVersion = state.version;
    updateMs = response.at - sentAt;
  } catch (error) {
    updateError = error instanceof Error ? error.message : String(error);
  }
  // Read the answers only once the server is done writing them; the CPU is
  // counted up to then, not over the clients' reading.
  const idle = readAfter
    ? await waitIdle(server.pid, options.answerTimeoutMs).then((quiet) => ({
      quiet,
      at: wallNow(),
      client: clientCpu.seconds(),
      server: serverCpu.seconds(),
      machine: machineCpu.usage(),
    }))
    : null;
  const deadline = answersDeadline(sentAt, options.answerTimeoutMs, idle?.at);
  await Promise.all(
    workers.map((w) => w.send({ op: "fanout_finish", id, deadline })),
  );
  const done = await Promise.all(
    workers.map((w) =>
      w.next(
        eventOf("fanout_done", id),
        deadline - wallNow() + 30_000,
      )
    ),
  );
  const endAt = idle?.at ?? wallNow();
  const clientSeconds = idle?.client ?? clientCpu.seconds();
  const serverSeconds = idle?.server ?? serverCpu.seconds();
  const machine = idle ? idle.machine : machineCpu.usage();
  const loadAfter = readLoadAverage();

  const latencies: number[] = [];
  const otherAnswers: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let rejected503 = 0;
  let retryAfter = 0;
  let repolls = 0;
  let unanswered = 0;
  let unstamped = 0;
  let lastAt = sentAt;
  for (const { answers } of done) {
    unstamped += answers.unstamped ?? 0;
    retryAfter += answers.retryAfter;
    repolls += answers.repolls;
    unanswered += answers.unanswered;
    for (const [reason, count] of Object.entries(answers.errors)) {
      errors[reason] = (errors[reason] ?? 0) + count;
    }
    answers.status.forEach((status, i) => {
      const at = answers.at[i];
      if (
        status === 200 && newVersion !== null &&
        answers.version[i] === newVersion && at >= sentAt
      ) {
        latencies.push(at - sentAt);
        lastAt = Math.max(lastAt, at);
      } else if (status === 503) {
        rejected503++;
      } else {
        const key = at < sentAt ? `${status} before update` : String(status);
        otherAnswers[key] = (otherAnswers[key] ?? 0) + 1;
      }
    });
  }
  const rssHeld = rssHeldKiB ?? NaN;
  const perPoll = (rssHeld - (rssIdleKiB ?? NaN)) / latencies.length;
  const windowMs = latencies.length ? lastAt - sentAt : null;
  const cpuWindow = (endAt - sentAt) / 1000;
  // With readAfter the meters ran on until the server was idle: count them
  // over the time it was busy, the quiet that told it left out (at least
  // the answers' window).
  const busyMs = Math.max(windowMs ?? 0, endAt - sentAt - IDLE_QUIET_MS);
  const perWindow = readAfter && busyMs > 0 ? cpuWindow / (busyMs / 1000) : 1;
  return {
    n: options.n,
    connected,
    openMs,
    connectMs,
    repolls,
    settled,
    rssIdleKiB,
    rssHeldKiB,
    machineUsedIdleKiB,
    machineUsedHeldKiB,
    kibPerHeldPoll: Number.isFinite(perPoll) ? perPoll : null,
    processRss: processMemory(processesIdle, processesHeld),
    storeRssIdleKiB,
    storeRssHeldKiB,
    loadAverage: { before: loadBefore, held: loadHeld, after: loadAfter },
    openMachine,
    newVersion,
    updateError,
    updateMs,
    gotUpdate: latencies.length,
    latency: summarise(latencies),
    rejected503,
    retryAfter,
    otherAnswers,
    errors,
    unanswered,
    readAfter,
    quietAfter: idle ? idle.quiet : null,
    unstamped,
    windowMs,
    clientCpuPct: (clientSeconds / cpuWindow) * 100 * perWindow,
    serverCpuPct: (serverSeconds / cpuWindow) * 100 * perWindow,
    machine: machine && {
      busyPct: machine.busyPct * perWindow,
      stealPct: machine.stealPct * perWindow,
    },
    serverAlive: server.alive,
    answersAfter: server.alive && await answersNormally(server.port),
    serverNote: !server.alive || /too many open files/i.test(server.output)
      ? server.output.trim().split("\n").slice(-4).join(" / ").slice(0, 400)
      : null,
  };
}

function storeRss(pid: number | undefined): number | null {
  return pid === undefined ? null : readRssKiB(pid);
}

/**
 * Pairs each process's idle and held memory by pid: one started or ended
 * between the two readings (a cluster member restarted) has `null` there.
 */
export function processMemory(
  idle: readonly { pid: number; kib: number | null }[],
  held: readonly { pid: number; kib: number | null }[],
): ProcessMemory[] {
  const pids = [...new Set([...idle, ...held].map((p) => p.pid))];
  const at = (list: typeof idle, pid: number) =>
    list.find((p) => p.pid === pid)?.kib ?? null;
  return pids.map((pid) => ({
    pid,
    idleKiB: at(idle, pid),
    heldKiB: at(held, pid),
  }));
}
