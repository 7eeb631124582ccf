/** The benchmark's command line, read once into a validated configuration. */
import { parseArgs } from "node:util";

/** Every knob of a run. */
export interface BenchConfig {
  smoke: boolean;
  /** Fan-out sizes (N). */
  sizes: number[];
  /** Repetitions of every measurement, servers interleaved. */
  rounds: number;
  workers: number;
  /** Which servers: `app`, `app-kv`, `parallel` (start:parallel), `reference`; `app-kv` only if the KV store exists. */
  servers: string[];
  phases: string[];
  warmupPolls: number;
  warmupRounds: number;
  connectConcurrency: number;
  answerTimeoutMs: number;
  churnClients: number;
  churnUpdates: number;
  churnRate: number;
  readsConnections: number;
  readsSeconds: number;
  /** Workers used by the read phase (few processes waste less CPU on switching). */
  readsWorkers: number;
  /** Where the JSON goes; empty for `bench/results/<date>.json`. */
  out: string;
  /** A stored results JSON to draw the charts of, instead of a run; empty for a run. */
  chartsFrom: string;
  /** The whole run stops starting new measurements after this. */
  maxMinutes: number;
  /** Held polls of the `cluster` phase (three processes on a private Redis). */
  clusterPolls: number;
  /** Polls of the `limit-*` phases: more than the server may hold. */
  limitPolls: number;
  /** `ulimit -n` of every server of the `limit-*` phases; 0 for the machine's (the cluster's processes: 10,000). */
  limitFiles: number;
  /** The fan-out load client: `c` (built here; Deno workers when it cannot be) or `deno`. */
  fanoutClient: "c" | "deno";
  /**
   * When the fan-out's clients read their answers: `after` the server went
   * idle (stamped by the kernel on arrival; the C client only) or `live`.
   */
  fanoutReads: "after" | "live";
}

/** The opt-in phases that flood each way to run past its descriptor limit. */
export const LIMIT_PHASES = [
  "limit-start",
  "limit-parallel",
  "limit-cluster",
] as const;

/** Thrown for a command line the benchmark cannot run. */
export class UsageError extends Error {}

export const USAGE = `deno task bench [options]

  --smoke                 tiny run (N=200, one round, small phases) for tests
  --sizes 1000,10000,20000  fan-out sizes N
  --rounds 3              repetitions (servers interleaved)
  --workers 4             load worker processes
  --servers app,app-kv,reference  servers to measure (also: parallel,
                          deno task start:parallel with 2 workers on KV)
  --phases fanout,churn,reads,page   (opt-in: cluster, limit-start,
                          limit-parallel, limit-cluster; limits = all three;
                          many-tasks, nothing-missed: see bench/many_tasks.ts)
  --cluster-polls 40000   polls held by the cluster phase
  --limit-polls 25000     polls of each limit-* phase (past what the server holds)
  --limit-files 0         ulimit -n of the limit-* servers (0: the machine's;
                          each cluster process 10000)
  --warmup-polls 500      polls per warm-up fan-out
  --warmup-rounds 2       warm-up fan-outs after each start
  --connect-concurrency 64  connects in flight per worker
  --answer-timeout 20     seconds to wait for fan-out answers
  --churn-clients 1000    --churn-updates 200   --churn-rate 100 (updates/s)
  --reads-connections 64  --reads-seconds 5     --reads-workers 1
  --out NAME.json         JSON output (default bench/results/<date>.json),
                          charts beside it: NAME-fanout.svg, NAME-memory.svg
  --charts-from FILE      only draw the charts of a stored results JSON, next
                          to it, and exit (starts no server)
  --max-minutes 30        start no new measurement after this
  --fanout-client c       fan-out load client: c (bench/native, built with
                          the machine's cc; Deno workers if it cannot be) or deno
  --fanout-reads after    when the C client reads the answers of the fanout
                          phase: after the server went idle (each stamped by
                          the kernel on arrival: the server gets the cores) or
                          live (so does the cluster phase up to 20,000 polls;
                          past it, and in the limit phases, always live)
`;

const DEFAULTS: BenchConfig = {
  smoke: false,
  sizes: [1_000, 10_000, 20_000],
  rounds: 3,
  workers: 4,
  servers: ["app", "app-kv", "reference"],
  phases: ["fanout", "churn", "reads", "page"],
  warmupPolls: 500,
  warmupRounds: 2,
  connectConcurrency: 64,
  answerTimeoutMs: 20_000,
  churnClients: 1_000,
  churnUpdates: 200,
  churnRate: 100,
  readsConnections: 64,
  readsSeconds: 5,
  readsWorkers: 1,
  out: "",
  chartsFrom: "",
  maxMinutes: 30,
  clusterPolls: 40_000,
  limitPolls: 25_000,
  limitFiles: 0,
  fanoutClient: "c",
  fanoutReads: "after",
};

const SMOKE: Partial<BenchConfig> = {
  smoke: true,
  sizes: [200],
  rounds: 1,
  workers: 2,
  warmupPolls: 50,
  warmupRounds: 1,
  answerTimeoutMs: 10_000,
  churnClients: 50,
  churnUpdates: 20,
  churnRate: 50,
  readsConnections: 8,
  readsSeconds: 1,
  readsWorkers: 1,
  maxMinutes: 3,
  clusterPolls: 200,
  limitPolls: 300,
};

// Warm-up may be switched off; every other count must be positive.
const ZERO_ALLOWED = new Set(["warmup-polls", "warmup-rounds"]);

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const low = ZERO_ALLOWED.has(name) ? 0 : Number.MIN_VALUE;
  if (!Number.isFinite(n) || n < low) {
    throw new UsageError(`--${name} must be a positive number, got ${value}`);
  }
  return n;
}

function list(value: string | undefined): string[] | undefined {
  return value?.split(",").map((s) => s.trim()).filter(Boolean);
}

/** Reads the command line; smoke mode first, explicit flags over it. */
export function parseCli(args: string[]): BenchConfig | "help" {
  const numeric = [
    "rounds",
    "workers",
    "warmup-polls",
    "warmup-rounds",
    "connect-concurrency",
    "answer-timeout",
    "churn-clients",
    "churn-updates",
    "churn-rate",
    "reads-connections",
    "reads-seconds",
    "reads-workers",
    "max-minutes",
    "cluster-polls",
    "limit-polls",
    "limit-files",
  ] as const;
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        smoke: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        sizes: { type: "string" },
        servers: { type: "string" },
        phases: { type: "string" },
        out: { type: "string" },
        "charts-from": { type: "string" },
        "fanout-client": { type: "string" },
        "fanout-reads": { type: "string" },
        ...Object.fromEntries(numeric.map((n) => [n, { type: "string" }])),
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) return "help";
  const config: BenchConfig = { ...DEFAULTS, ...(v.smoke ? SMOKE : {}) };
  const num = (name: typeof numeric[number]) =>
    positive(name, v[name] as string | undefined);
  const sizes = list(v.sizes as string | undefined)?.map((s) =>
    positive("sizes", s)!
  );
  const set = <K extends keyof BenchConfig>(
    key: K,
    value: BenchConfig[K] | undefined,
  ) => {
    if (value !== undefined) config[key] = value;
  };
  set("sizes", sizes);
  set("servers", list(v.servers as string | undefined));
  set("phases", list(v.phases as string | undefined));
  set("out", v.out as string | undefined);
  set("chartsFrom", v["charts-from"] as string | undefined);
  set("rounds", num("rounds"));
  set("workers", num("workers"));
  set("warmupPolls", num("warmup-polls"));
  set("warmupRounds", num("warmup-rounds"));
  set("connectConcurrency", num("connect-concurrency"));
  const answer = num("answer-timeout");
  set("answerTimeoutMs", answer && answer * 1000);
  set("churnClients", num("churn-clients"));
  set("churnUpdates", num("churn-updates"));
  set("churnRate", num("churn-rate"));
  set("readsConnections", num("reads-connections"));
  set("readsSeconds", num("reads-seconds"));
  set("readsWorkers", num("reads-workers"));
  set("maxMinutes", num("max-minutes"));
  set("clusterPolls", num("cluster-polls"));
  set("limitPolls", num("limit-polls"));
  set("limitFiles", num("limit-files"));
  const client = v["fanout-client"] as string | undefined;
  if (client !== undefined && client !== "c" && client !== "deno") {
    throw new UsageError(`--fanout-client must be c or deno, got ${client}`);
  }
  set("fanoutClient", client);
  const reads = v["fanout-reads"] as string | undefined;
  if (reads !== undefined && reads !== "after" && reads !== "live") {
    throw new UsageError(`--fanout-reads must be after or live, got ${reads}`);
  }
  set("fanoutReads", reads);
  config.phases = config.phases.flatMap((phase) =>
    phase === "limits" ? [...LIMIT_PHASES] : [phase]
  );
  for (const server of config.servers) {
    if (!["app", "app-kv", "parallel", "reference"].includes(server)) {
      throw new UsageError(`unknown server ${server}`);
    }
  }
  for (const phase of config.phases) {
    const known = [
      "fanout",
      "churn",
      "reads",
      "page",
      "cluster",
      "many-tasks",
      "nothing-missed",
    ];
    if (![...known, ...LIMIT_PHASES].includes(phase)) {
      throw new UsageError(`unknown phase ${phase}`);
    }
  }
  config.readsWorkers = Math.min(config.readsWorkers, config.workers);
  return config;
}
