/**
 * `deno task bench`: measures the app against the reference server on
 * loopback (fan-out, memory, churn, plain reads, page weight), servers
 * interleaved round by round, and prints a markdown table. Raw results go
 * to bench/results/ as JSON. Every phase has a deadline, every server and
 * worker it starts is stopped before it exits.
 */
import { chartFiles, parseResults } from "./charts.ts";
import { runChurn } from "./churn.ts";
import { type BenchConfig, parseCli, USAGE, UsageError } from "./cli.ts";
import { type FanoutResult, runFanout } from "./fanout.ts";
import { CONNECTION_TIMEOUT_CEILING_MS } from "../lib/app/config.ts";
import { weighPage } from "./page_weight.ts";
import { descendantNamed, machineInfo } from "./proc_stats.ts";
import { runReads } from "./reads.ts";
import {
  type BenchResults,
  clusterLabel,
  type Measurement,
  REFERENCE,
  renderReport,
} from "./report.ts";
import { ServerProcess, type ServerSpec } from "./server_process.ts";
import {
  DENO_WORKER,
  type LoadWorker,
  startWorkers,
  type WorkerProgram,
} from "./worker_pool.ts";
import { buildNativeClient } from "./native_worker.ts";
import { type RedisServer, startRedis } from "../tests/support/redis.ts";
import { renderTaskPhases, runTaskPhases, TASK_PHASES } from "./many_tasks.ts";

const ROOT = new URL("../", import.meta.url);

const exists = (path: string) => {
  try {
    Deno.statSync(new URL(path, ROOT));
    return true;
  } catch {
    return false;
  }
};

/** The servers to measure, with a note for each one that cannot run here. */
export function serverSpecs(
  wanted: string[],
  has: (path: string) => boolean,
): { specs: ServerSpec[]; notes: string[] } {
  const specs: ServerSpec[] = [];
  const notes: string[] = [];
  if (wanted.includes("app")) {
    if (has("main.ts")) {
      specs.push({
        name: "app",
        entry: "main.ts",
        env: { STATUS_STORE: "memory" },
      });
    } else notes.push("app not measured: main.ts does not exist yet");
  }
  if (wanted.includes("app-kv")) {
    if (has("main.ts") && has("lib/stores/kv/kv_store.ts")) {
      specs.push({
        name: "app (kv)",
        entry: "main.ts",
        env: { STATUS_STORE: "kv" },
        kvPath: true,
      });
    } else {notes.push(
        "app (kv) not measured: lib/stores/kv/kv_store.ts does not exist",
      );}
  }
  if (wanted.includes("parallel")) {
    // `deno task start:parallel` as shipped: one worker per core, on KV.
    specs.push({
      name: "start:parallel (2 workers, kv)",
      entry: "serve.ts",
      flags: ["--unstable-net"],
      env: { STATUS_STORE: "kv", DENO_JOBS: "2" },
      kvPath: true,
    });
  }
  if (wanted.includes("reference")) {
    specs.push({
      name: REFERENCE,
      entry: "bench/reference_server.ts",
      env: {},
    });
  }
  return { specs, notes };
}

/**
 * Held polls one process of the `cluster` phase is given at most: well
 * under its 20,000 open files, so that SO_REUSEPORT's uneven spread never
 * brings one near its limit.
 */
export const POLLS_PER_CLUSTER_PROCESS = 16_000;
/**
 * Most polls of the `cluster` phase whose answers are left unread until the
 * cluster is done (as the fanout phase's are): the kernel stamped every one
 * on arrival up to 20,000, and none at 100,000.
 */
export const CLUSTER_READ_AFTER_MAX_POLLS = 20_000;
/** Sockets one load process opens at most in the `cluster` phase (it has 20,000 open files too). */
export const SOCKETS_PER_LOAD_PROCESS = 15_000;

/**
 * App processes of the `cluster` phase for `n` polls on a machine of
 * `cores`: as many as `deno task start:cluster` starts by default (one per
 * core, and at least 2, so that there is a cluster), more when the polls
 * need them (at most 16,000 each).
 */
export function clusterProcesses(n: number, cores: number): number {
  return Math.max(2, cores, Math.ceil(n / POLLS_PER_CLUSTER_PROCESS));
}

/**
 * Load processes of the `cluster` phase for `n` polls: enough that none
 * opens more than 15,000 sockets, whatever `--workers` says; `--workers`
 * may only add more.
 */
export function clusterLoadWorkers(n: number, workers: number): number {
  return Math.max(workers, Math.ceil(n / SOCKETS_PER_LOAD_PROCESS), 1);
}

/** How long the `cluster` phase waits for each step. */
export interface ClusterDeadlines {
  /** To open every connection, and then to write every poll. */
  openTimeoutMs: number;
  /**
   * The app's HEADER_TIMEOUT_MS for the phase: a connection opened first
   * waits for its poll until every other one is open.
   */
  headerTimeoutMs: number;
  /** For the server to go quiet once they are open. */
  settleTimeoutMs: number;
  /** For the answers after the update. */
  answerTimeoutMs: number;
}

/**
 * The `cluster` phase's deadlines for `n` polls, growing with `n`: 5 ms a
 * poll to open them (2 busy cores opened 20,000 in 4.5 s, 0.2 ms each),
 * 0.2 ms a poll to go quiet, and 1 ms a poll for the answers, never less
 * than the fixed deadlines before or `answerTimeoutMs`; the server waits a
 * minute more than the opening for a request head, up to the 10 minutes
 * it allows.
 */
export function clusterDeadlines(
  n: number,
  answerTimeoutMs: number,
): ClusterDeadlines {
  return {
    openTimeoutMs: Math.max(300_000, n * 5),
    headerTimeoutMs: Math.min(
      CONNECTION_TIMEOUT_CEILING_MS,
      Math.max(300_000, n * 5) + 60_000,
    ),
    settleTimeoutMs: Math.max(15_000, Math.ceil(n / 5)),
    answerTimeoutMs: Math.max(answerTimeoutMs, 60_000, n),
  };
}

/**
 * The `cluster` phase's server: `processes` app processes on one port, on
 * Redis, waiting `headerTimeoutMs` for a request head (the app's default
 * when not given).
 */
export function clusterSpec(
  redisUrl: string,
  processes: number,
  headerTimeoutMs?: number,
): ServerSpec {
  return {
    name: clusterLabel(processes),
    entry: "cluster.ts",
    // 0.0.0.0 so that clients may reach it on several loopback addresses.
    env: {
      STATUS_STORE: "redis",
      REDIS_URL: redisUrl,
      CLUSTER_PROCESSES: String(processes),
      HOSTNAME: "0.0.0.0",
      ...(headerTimeoutMs === undefined
        ? {}
        : { HEADER_TIMEOUT_MS: String(headerTimeoutMs) }),
    },
  };
}

/** Open files of each cluster process in the `limit-cluster` phase: low enough for the load to reach. */
export const CLUSTER_LIMIT_FILES = 10_000;

/**
 * The servers of the `limit-*` phases, each one way to run the app, listening
 * on every loopback address: `deno task start` and `start:parallel` (two
 * workers, one process, KV) under the machine's open-file limit, and
 * `start:cluster` (two processes on Redis) under {@link CLUSTER_LIMIT_FILES}
 * each, so that a flood of polls passes what each may hold.
 */
export function limitSpecs(
  phases: string[],
  redisUrl: string | null,
  openFiles = 0,
): ServerSpec[] {
  const specs: ServerSpec[] = [];
  const limit = openFiles > 0 ? openFiles : undefined;
  const files = (n: number | undefined) =>
    n === undefined ? "" : `, ${n.toLocaleString("en-US")} files`;
  if (phases.includes("limit-start")) {
    specs.push({
      name: `start (kv${files(limit)})`,
      entry: "main.ts",
      env: { STATUS_STORE: "kv", HOSTNAME: "0.0.0.0" },
      kvPath: true,
      openFileLimit: limit,
    });
  }
  if (phases.includes("limit-parallel")) {
    specs.push({
      name: `start:parallel (2 workers, kv${files(limit)})`,
      entry: "serve.ts",
      flags: ["--unstable-net"],
      env: { STATUS_STORE: "kv", DENO_JOBS: "2", HOSTNAME: "0.0.0.0" },
      kvPath: true,
      openFileLimit: limit,
    });
  }
  if (phases.includes("limit-cluster") && redisUrl !== null) {
    const each = limit ?? CLUSTER_LIMIT_FILES;
    specs.push({
      name: `start:cluster (2 processes, redis${files(each)} each)`,
      entry: "cluster.ts",
      env: {
        STATUS_STORE: "redis",
        REDIS_URL: redisUrl,
        CLUSTER_PROCESSES: "2",
        HOSTNAME: "0.0.0.0",
      },
      openFileLimit: each,
    });
  }
  return specs;
}

/**
 * Loopback addresses for `n` connections to one port: the kernel offers
 * about 28,000 source ports per destination address, so one address per
 * 20,000 connections and one spare (127.0.0.1, 127.0.0.2, …).
 */
export function loopbackHosts(n: number): string[] {
  const count = Math.ceil(n / 20_000) + 1;
  return Array.from({ length: count }, (_, i) => `127.0.0.${i + 1}`);
}

/** Round r's order: forward on even rounds, backward on odd ones (A B, B A, A B …). */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse();
}

function log(message: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const mibOf = (kib: number | null | undefined) =>
  kib == null ? "?" : (kib / 1024).toFixed(0);

/** The cluster phase's figures, as it ends. */
function logCluster(f: FanoutResult): void {
  const members = f.processRss.slice(1).map((p) => p.heldKiB ?? 0);
  const load = f.loadAverage;
  log(
    `  got ${f.gotUpdate}/${f.n}, p50/p99/max ` +
      `${f.latency.p50.toFixed(0)}/${f.latency.p99.toFixed(0)}/` +
      `${f.latency.max.toFixed(0)} ms, opened in ${
        (f.openMs / 1000).toFixed(1)
      } s (connections ${((f.connectMs ?? NaN) / 1000).toFixed(1)} s, ` +
      `then the polls; ${f.repolls} re-polls, settled ${f.settled}), ` +
      `update answered in ${f.updateMs?.toFixed(0)} ms` +
      (f.unstamped ? `; ${f.unstamped} answers without a kernel stamp` : ""),
  );
  log(
    `  RSS of the supervisor and its ${members.length} processes idle/held ` +
      `${mibOf(f.rssIdleKiB)}/${mibOf(f.rssHeldKiB)} MiB ` +
      `(each held ${mibOf(Math.min(...members))}–${
        mibOf(Math.max(...members))
      } MiB), ${f.kibPerHeldPoll?.toFixed(1)} KiB per held poll; ` +
      `redis-server ${mibOf(f.storeRssIdleKiB)}/${
        mibOf(f.storeRssHeldKiB)
      } MiB`,
  );
  log(
    `  load average before/held/after ${load.before}/${load.held}/${load.after}, ` +
      `machine busy while opening ${f.openMachine?.busyPct.toFixed(0)}% ` +
      `and after the update ${f.machine?.busyPct.toFixed(0)}% of a core`,
  );
}

class Bench {
  readonly live = new Set<ServerProcess>();
  redis: RedisServer | null = null;
  readonly deadline: number;
  workers: LoadWorker[] = [];
  /** The workers that hold fan-out polls: the C client's, or `workers`. */
  fanoutWorkers: LoadWorker[] = [];
  fanoutProgram: WorkerProgram = DENO_WORKER;
  /** Where the C client was built, removed at the end. */
  nativeDir: string | null = null;
  /** The cluster phase's own load workers while it runs (stopped by `cleanUp` too). */
  extraWorkers: LoadWorker[] = [];

  constructor(
    readonly config: BenchConfig,
    readonly results: BenchResults,
    readonly save: () => void,
  ) {
    this.deadline = Date.now() + config.maxMinutes * 60_000;
  }

  get readsWorkers(): LoadWorker[] {
    return this.workers.slice(0, this.config.readsWorkers);
  }

  async start(spec: ServerSpec): Promise<ServerProcess> {
    const server = await ServerProcess.start(spec, ROOT);
    this.live.add(server);
    return server;
  }

  async stop(server: ServerProcess): Promise<void> {
    this.live.delete(server);
    await server.stop();
  }

  async warmUp(server: ServerProcess): Promise<void> {
    const { config } = this;
    for (let i = 0; i < config.warmupRounds; i++) {
      await runFanout(server, this.fanoutWorkers, {
        n: config.warmupPolls,
        connectConcurrency: config.connectConcurrency,
        connectTimeoutMs: 5_000,
        openTimeoutMs: 60_000,
        answerTimeoutMs: 10_000,
      });
    }
    if (config.warmupRounds > 0) {
      await runReads(server, this.readsWorkers, {
        connections: 8,
        durationMs: 300,
      });
    }
  }

  /** Starts a fresh server, warms it up, measures, stops it; failures become results. */
  async measure<T>(
    spec: ServerSpec,
    round: number,
    what: string,
    run: (server: ServerProcess) => Promise<T>,
  ): Promise<Measurement<T>> {
    if (Date.now() > this.deadline) {
      const error = `skipped: past --max-minutes ${this.config.maxMinutes}`;
      return { server: spec.name, round, error };
    }
    log(`${what}: ${spec.name}, round ${round + 1}`);
    let server: ServerProcess | null = null;
    try {
      server = await this.start(spec);
      await this.warmUp(server);
      const result = await run(server);
      return { server: spec.name, round, result };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${what}: ${spec.name} failed: ${message}`);
      const tail = server?.output.slice(-500).trim();
      return {
        server: spec.name,
        round,
        error: tail ? `${message} (server said: ${tail})` : message,
      };
    } finally {
      if (server) await this.stop(server);
    }
  }

  async run(specs: ServerSpec[]): Promise<void> {
    const { config, results } = this;
    this.workers = await startWorkers(config.workers, ROOT);
    this.fanoutWorkers = await this.startFanoutWorkers();
    if (config.phases.includes("cluster")) await this.runCluster();
    if (config.phases.some((p) => p.startsWith("limit-"))) {
      await this.runLimits();
    }
    if (config.phases.includes("fanout")) {
      for (const n of config.sizes) {
        for (let round = 0; round < config.rounds; round++) {
          for (const spec of roundOrder(specs, round)) {
            const m = await this.measure(
              spec,
              round,
              `fan-out ${n}`,
              (s) =>
                runFanout(s, this.fanoutWorkers, {
                  readAfter: config.fanoutReads === "after",
                  n,
                  connectConcurrency: config.connectConcurrency,
                  connectTimeoutMs: 5_000,
                  openTimeoutMs: 60_000,
                  answerTimeoutMs: config.answerTimeoutMs,
                }),
            );
            results.fanout.push({ ...m, n });
            this.save();
            if (m.result) {
              const f = m.result;
              log(
                `  got ${f.gotUpdate}/${n}, p99 ${
                  f.latency.p99.toFixed(1)
                } ms, 503 ${f.rejected503}, ${
                  f.kibPerHeldPoll?.toFixed(2)
                } KiB/poll${
                  f.unstamped
                    ? `, WARNING: ${f.unstamped} answers without a kernel stamp`
                    : ""
                }${
                  f.quietAfter === false
                    ? ", WARNING: the server never went quiet after the update"
                    : ""
                }`,
              );
            }
          }
        }
      }
    }
    if (config.phases.includes("churn")) {
      for (let round = 0; round < config.rounds; round++) {
        for (const spec of roundOrder(specs, round)) {
          const m = await this.measure(
            spec,
            round,
            "churn",
            (s) =>
              runChurn(s, this.workers, {
                clients: config.churnClients,
                updates: config.churnUpdates,
                rate: config.churnRate,
                timeoutMs: 120_000,
              }),
          );
          results.churn.push(m);
          this.save();
          if (m.result) {
            log(
              `  ${
                m.result.sustainedPerSecond?.toFixed(1)
              } updates/s, lost ${m.result.lost}`,
            );
          }
        }
      }
    }
    if (config.phases.includes("reads")) {
      for (let round = 0; round < config.rounds; round++) {
        for (const spec of roundOrder(specs, round)) {
          const m = await this.measure(
            spec,
            round,
            "reads",
            (s) =>
              runReads(s, this.readsWorkers, {
                connections: config.readsConnections,
                durationMs: config.readsSeconds * 1000,
                warmupMs: config.smoke ? 0 : 2_000,
              }),
          );
          results.reads.push(m);
          this.save();
          if (m.result) log(`  ${Math.round(m.result.perSecond)} req/s`);
        }
      }
    }
    const app = specs.find((s) => s.name === "app");
    if (config.phases.includes("page") && app) {
      log("page weight: app");
      let server: ServerProcess | null = null;
      try {
        server = await this.start(app);
        results.page = {
          result: await weighPage(`http://127.0.0.1:${server.port}`),
        };
      } catch (error) {
        results.page = { error: (error as Error).message };
      } finally {
        if (server) await this.stop(server);
      }
    }
  }

  /**
   * N polls held by the cluster on a private Redis, woken by one update;
   * the app processes, the load processes and the deadlines grow with N.
   */
  async runCluster(): Promise<void> {
    const { config, results } = this;
    const n = config.clusterPolls;
    const processes = clusterProcesses(n, navigator.hardwareConcurrency);
    const deadlines = clusterDeadlines(n, config.answerTimeoutMs);
    const spec = (url: string) =>
      clusterSpec(url, processes, deadlines.headerTimeoutMs);
    const loadCount = clusterLoadWorkers(n, config.workers);
    const hosts = loopbackHosts(n);
    const what = `cluster fan-out ${n}`;
    const { somaxconn, localPorts } = results.machine;
    const int = (x: number) => Math.round(x).toLocaleString("en-US");
    log(
      `cluster: ${int(n)} polls over ${processes} app processes ` +
        `(~${int(n / processes)} each), ${loadCount} load processes ` +
        `(~${int(n / loadCount)} sockets each), ${hosts.length} addresses ` +
        `(~${int(n / hosts.length)} each, ${
          localPorts ?? "?"
        } source ports); ` +
        `listen backlog 4096 per process, somaxconn ${somaxconn ?? "?"}; ` +
        `deadlines: open ${deadlines.openTimeoutMs / 1000} s, ` +
        `answers ${deadlines.answerTimeoutMs / 1000} s`,
    );
    log(
      "cluster: a hold lasts at most 25 s (POLL_TIMEOUT_MS cannot be raised " +
        "past it), less than opening takes: every connection is opened " +
        "first, then every poll is written, and the app waits " +
        `${deadlines.headerTimeoutMs / 1000} s for a request head ` +
        "(HEADER_TIMEOUT_MS); a hold that still runs out is polled again " +
        "at once and counted as a re-poll",
    );
    if (localPorts !== null && n / hosts.length > localPorts) {
      log(`cluster: warning: more connections per address than source ports`);
    }
    try {
      this.redis = await startRedis();
    } catch (error) {
      results.cluster.push({
        server: spec("").name,
        round: 0,
        n,
        error: String(error),
      });
      return;
    }
    // Every load process has its own open-file limit: start what N needs.
    const extra = await startWorkers(
      Math.max(0, loadCount - this.fanoutWorkers.length),
      ROOT,
      this.fanoutProgram,
    );
    this.extraWorkers = extra;
    const load = [...this.fanoutWorkers, ...extra].slice(0, loadCount);
    try {
      const storePid = descendantNamed(Deno.pid, "redis-server") ?? undefined;
      const m = await this.measure(
        spec(this.redis.url),
        0,
        what,
        (s) =>
          // Past 20,000 polls, read live: at 100,000 the kernel gave answers
          // left unread no arrival stamp (docs/performance.md).
          runFanout(s, load, {
            n,
            readAfter: config.fanoutReads === "after" &&
              n <= CLUSTER_READ_AFTER_MAX_POLLS,
            connectConcurrency: config.connectConcurrency,
            connectTimeoutMs: 5_000,
            openTimeoutMs: deadlines.openTimeoutMs,
            settleTimeoutMs: deadlines.settleTimeoutMs,
            answerTimeoutMs: deadlines.answerTimeoutMs,
            hosts,
            connectFirst: true,
            storePid,
          }),
      );
      results.cluster.push({ ...m, n });
      this.save();
      if (m.result) logCluster(m.result);
    } finally {
      this.extraWorkers = [];
      await Promise.all(extra.map((w) => w.stop()));
      await this.redis?.stop();
      this.redis = null;
    }
  }

  /**
   * Each way to run the app, flooded with more polls than it may hold: it
   * must stay up, wake every poll it holds, refuse the rest with 503 and
   * answer normally afterwards.
   */
  async runLimits(): Promise<void> {
    const { config, results } = this;
    const n = config.limitPolls;
    let redisUrl: string | null = null;
    if (config.phases.includes("limit-cluster")) {
      try {
        this.redis = await startRedis();
        redisUrl = this.redis.url;
      } catch (error) {
        results.limits.push({
          server: "start:cluster",
          round: 0,
          n,
          error: String(error),
        });
      }
    }
    try {
      const specs = limitSpecs(config.phases, redisUrl, config.limitFiles);
      for (const spec of specs) {
        const m = await this.measure(
          spec,
          0,
          `at the limit, ${n} polls`,
          (s) =>
            runFanout(s, this.fanoutWorkers, {
              n,
              connectConcurrency: config.connectConcurrency,
              connectTimeoutMs: 5_000,
              openTimeoutMs: 300_000,
              answerTimeoutMs: Math.max(config.answerTimeoutMs, 60_000),
              hosts: loopbackHosts(n),
            }),
        );
        results.limits.push({ ...m, n });
        this.save();
        if (m.result) {
          const f = m.result;
          log(
            `  got ${f.gotUpdate}/${n}, 503 ${f.rejected503}, failed ${
              Object.values(f.errors).reduce((a, b) => a + b, 0)
            }, unanswered ${f.unanswered}, up ${f.serverAlive}`,
          );
        }
      }
    } finally {
      await this.redis?.stop();
      this.redis = null;
    }
  }

  async cleanUp(): Promise<void> {
    await Promise.all([...this.live].map((s) => this.stop(s)));
    await this.redis?.stop();
    const workers = new Set([
      ...this.workers,
      ...this.fanoutWorkers,
      ...this.extraWorkers,
    ]);
    await Promise.all([...workers].map((w) => w.stop()));
    if (this.nativeDir) {
      await Deno.remove(this.nativeDir, { recursive: true }).catch(() => {});
    }
  }

  /**
   * The fan-out's load workers: the C client's when asked for and it can be
   * built, said once and loudly when it cannot; otherwise the Deno workers.
   */
  async startFanoutWorkers(): Promise<LoadWorker[]> {
    const { config, results } = this;
    results.fanoutClient = "deno";
    if (config.fanoutClient === "deno") return this.workers;
    const build = await buildNativeClient();
    if (build.program === null) {
      const note = `fan-out load client: Deno workers, not C (${build.reason})`;
      log(`WARNING: ${note}`);
      results.notes.push(note);
      return this.workers;
    }
    this.nativeDir = build.dir;
    this.fanoutProgram = build.program;
    results.fanoutClient = "c";
    return await startWorkers(config.workers, ROOT, build.program);
  }
}

/** Writes the charts of `results` next to its JSON at `jsonPath`; returns their paths. */
function writeCharts(jsonPath: string, results: BenchResults): string[] {
  return chartFiles(jsonPath, results).map(({ path, svg }) => {
    Deno.writeTextFileSync(path, svg);
    return path;
  });
}

/** `--charts-from FILE`: the charts of a stored run, next to it. */
async function redraw(file: string): Promise<number> {
  try {
    const results = parseResults(await Deno.readTextFile(file));
    log(`charts: ${writeCharts(file, results).join(", ")}`);
    return 0;
  } catch (error) {
    console.error(`cannot draw the charts of ${file}: ${error}`);
    return 1;
  }
}

async function main(): Promise<number> {
  let config: BenchConfig;
  try {
    const parsed = parseCli(Deno.args);
    if (parsed === "help") {
      console.log(USAGE);
      return 0;
    }
    config = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (config.chartsFrom) return await redraw(config.chartsFrom);
  const { specs, notes } = serverSpecs(config.servers, exists);
  const started = Date.now();
  const results: BenchResults = {
    date: new Date().toISOString(),
    durationS: 0,
    machine: await machineInfo(),
    config,
    servers: specs.map((s) => s.name),
    notes,
    fanout: [],
    churn: [],
    reads: [],
    page: null,
    cluster: [],
    limits: [],
  };
  for (const note of notes) log(note);
  const name = `bench/results/${results.date.replaceAll(":", "-")}.json`;
  const given = config.out || new URL(name, ROOT).pathname;
  const out = given.startsWith("/") ? given : `${Deno.cwd()}/${given}`;
  await Deno.mkdir(out.slice(0, out.lastIndexOf("/")), { recursive: true });
  // Written after every measurement too, so a run cut short keeps its data.
  const save = () => {
    results.durationS = Math.round((Date.now() - started) / 1000);
    Deno.writeTextFileSync(out, JSON.stringify(results, null, 2) + "\n");
    return writeCharts(out, results);
  };
  const bench = new Bench(config, results, save);
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  const interrupt = () => {
    log("interrupted: stopping servers and workers");
    bench.cleanUp().finally(() => {
      const charts = save();
      console.log(renderReport(results));
      log(`partial results: ${out}; charts: ${charts.join(", ")}`);
      Deno.exit(130);
    });
  };
  for (const signal of signals) Deno.addSignalListener(signal, interrupt);
  try {
    await bench.run(specs);
  } finally {
    await bench.cleanUp();
    for (const signal of signals) Deno.removeSignalListener(signal, interrupt);
  }
  const charts = save();
  console.log(renderReport(results));
  log(`raw results: ${out} (${results.durationS} s)`);
  log(`charts: ${charts.join(", ")}`);
  if (
    config.phases.some((p) => (TASK_PHASES as readonly string[]).includes(p))
  ) {
    const tasks = await runTaskPhases(config.phases, config.smoke, ROOT, log);
    const tasksOut = out.replace(/\.json$/, "-tasks.json");
    Deno.writeTextFileSync(tasksOut, JSON.stringify(tasks, null, 2) + "\n");
    console.log(renderTaskPhases(tasks));
    log(`many-tasks results: ${tasksOut}`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
