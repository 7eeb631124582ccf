/**
 * The run's results as stored in JSON, the targets they are judged by, and
 * the markdown table printed at the end.
 */
import type { BenchConfig } from "./cli.ts";
import type { ChurnResult } from "./churn.ts";
import type { FanoutResult } from "./fanout.ts";
import type { PageWeight } from "./page_weight.ts";
import type { MachineInfo } from "./proc_stats.ts";
import type { ReadsResult } from "./reads.ts";
import { type Spread, spread } from "./stats.ts";

/** One measurement of one server in one round: a result or why there is none. */
export interface Measurement<T> {
  server: string;
  round: number;
  /** Fan-out size, for fan-out measurements. */
  n?: number;
  result?: T;
  error?: string;
}

/** Everything a run writes to bench/results/. */
export interface BenchResults {
  date: string;
  durationS: number;
  machine: MachineInfo;
  config: BenchConfig;
  /** Labels of the servers measured, the reference last. */
  servers: string[];
  /** The fan-out load client used (runs before it had one used Deno workers). */
  fanoutClient?: "c" | "deno";
  notes: string[];
  fanout: Measurement<FanoutResult>[];
  churn: Measurement<ChurnResult>[];
  reads: Measurement<ReadsResult>[];
  page: { result?: PageWeight; error?: string } | null;
  /** The opt-in `cluster` phase. */
  cluster: Measurement<FanoutResult>[];
  /** The opt-in `limit-*` phases: each way to run, flooded past its limit. */
  limits: Measurement<FanoutResult>[];
}

export const REFERENCE = "reference";

/** Which client measured the fan-outs, and when it read the answers. */
function fanoutClientWords(results: BenchResults): string {
  if (results.fanoutClient !== "c") return "Deno workers, reading live";
  const phases: [string, Measurement<FanoutResult>[]][] = [
    ["fanout", results.fanout],
    ["cluster", results.cluster ?? []],
  ];
  const after = phases
    .filter(([, ms]) => ms.some((m) => m.result?.readAfter))
    .map(([name]) => name);
  return after.length > 0
    ? "C (bench/native), answers stamped by the kernel on arrival; read " +
      `once the server was idle in the ${after.join(" and ")} phase${
        after.length > 1 ? "s" : ""
      }, live elsewhere`
    : "C (bench/native), answers stamped by the kernel on arrival, read live";
}
/** Label of the cluster of `processes` app processes on Redis. */
export function clusterLabel(processes: number): string {
  return `cluster (${processes} processes, redis)`;
}
/** Page JavaScript budget, gzipped bytes. */
export const PAGE_JS_BUDGET = 25_000;

/** A target checked against the run. */
export interface Verdict {
  target: string;
  ok: boolean;
  measured: string;
}

type Pick<T> = (result: T) => number | null;

function values<T>(
  list: Measurement<T>[],
  server: string,
  pick: Pick<T>,
): number[] {
  return list.filter((m) => m.server === server && m.result)
    .map((m) => pick(m.result!))
    .filter((v): v is number => v !== null && Number.isFinite(v));
}

/** Per-round ratios server/reference, paired by round (measured next to each other). */
export function ratios<T>(
  list: Measurement<T>[],
  server: string,
  pick: Pick<T>,
): Spread | null {
  const out: number[] = [];
  for (const m of list) {
    if (m.server !== server || !m.result) continue;
    const ref = list.find((r) =>
      r.server === REFERENCE && r.round === m.round && r.result
    );
    if (!ref) continue;
    const a = pick(m.result);
    const b = pick(ref.result!);
    if (a !== null && b !== null && b !== 0) out.push(a / b);
  }
  return spread(out);
}

/** Text fit for one table cell: one line, no pipes, at most `max` characters. */
export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").replaceAll("|", "/").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const int = (v: number) => Math.round(v).toLocaleString("en-US");
const ms = (v: number) => v.toFixed(1);
const one = (v: number) => v.toFixed(1);

function cell(list: number[], format: (v: number) => string): string {
  const s = spread(list);
  if (!s) return "–";
  return s.n > 1 && s.min !== s.max
    ? `${format(s.median)} (${format(s.min)}–${format(s.max)})`
    : format(s.median);
}

function ratioCell(s: Spread | null): string {
  if (!s) return "–";
  const f = (v: number) => v.toFixed(2);
  return s.n > 1
    ? `${f(s.median)}× (${f(s.min)}–${f(s.max)})`
    : `${f(s.median)}×`;
}

function apps(results: BenchResults): string[] {
  return results.servers.filter((s) => s !== REFERENCE);
}

/** Judges the run against the targets of the issue. */
export function verdicts(results: BenchResults): Verdict[] {
  const out: Verdict[] = [];
  const sizes = results.fanout.length > 0 ? results.config.sizes : [];
  // At the descriptor limit the contract asks for 503s, not answers to all.
  const limit = results.machine.openFileLimit ?? 20_000;
  const below = sizes.filter((n) => n < limit);
  const mid = below.includes(10_000) ? 10_000 : below[below.length - 1];
  const hasRef = results.servers.includes(REFERENCE);
  for (const app of apps(results)) {
    const atSize = (n: number) => results.fanout.filter((m) => m.n === n);
    for (const n of sizes) {
      const own = atSize(n).filter((m) => m.server === app);
      const rounds = own.map((m) => m.result).filter((f) => f !== undefined);
      const failed = own.filter((m) => m.error).map((m) => m.error).join("; ");
      if (n < limit) {
        out.push({
          target: `${app}: fan-out at ${int(n)}, every client answered`,
          ok: own.length > 0 && rounds.length === own.length &&
            rounds.every((f) => f.gotUpdate === n),
          measured: rounds.map((f) => int(f.gotUpdate)).join(", ") + failed,
        });
        continue;
      }
      out.push({
        target: `${app}: at ${
          int(n)
        } polls stays up, every held poll updated, the rest 503 + Retry-After, answers afterwards`,
        ok: own.length > 0 && rounds.length === own.length &&
          rounds.every((f) =>
            f.serverAlive && f.answersAfter && f.unanswered === 0 &&
            f.gotUpdate > 0 && f.gotUpdate + f.rejected503 === f.n &&
            f.retryAfter === f.rejected503
          ),
        measured: rounds.map((f) =>
          `held ${int(f.gotUpdate)}, 503 ${int(f.rejected503)}` +
          (Object.keys(f.errors).length
            ? `, errors ${JSON.stringify(f.errors)}`
            : "") +
          (f.unanswered ? `, unanswered ${int(f.unanswered)}` : "") +
          (f.answersAfter ? "" : ", not answering afterwards")
        ).join("; ") + failed,
      });
    }
    if (hasRef && sizes.includes(mid)) {
      const r = ratios(atSize(mid), app, (f) => f.latency.p99);
      // Every core must help: the all-cores modes answer well ahead of one process.
      const most = app.startsWith("start:") ? 0.6 : 1;
      out.push({
        target: `${app}: fan-out p99 at ${int(mid)} ≤ ${most}× reference`,
        ok: r !== null && r.median <= most,
        measured: ratioCell(r),
      });
      const mem = ratios(atSize(mid), app, (f) => f.kibPerHeldPoll);
      out.push({
        target: `${app}: KiB per held poll at ${int(mid)} ≤ 1× reference`,
        ok: mem !== null && mem.median <= 1,
        measured: ratioCell(mem),
      });
    }
    if (results.churn.length > 0) {
      const own = results.churn.filter((m) => m.server === app);
      out.push({
        target:
          `${app}: churn loses nothing, every client ends on the final version`,
        ok: own.length > 0 && own.every((m) => m.result && m.result.lost === 0),
        measured: own.map((m) =>
          m.result
            ? `lost ${m.result.lost}, on final ${m.result.onFinalVersion}/${m.result.clients}`
            : `error: ${m.error}`
        ).join("; "),
      });
      if (hasRef) {
        const r = ratios(results.churn, app, (c) => c.sustainedPerSecond);
        out.push({
          target: `${app}: churn updates/s ≥ 0.8× reference`,
          ok: r !== null && r.median >= 0.8,
          measured: ratioCell(r),
        });
      }
    }
    if (results.reads.length > 0 && hasRef) {
      const r = ratios(results.reads, app, (x) => x.perSecond);
      out.push({
        target: `${app}: plain reads ≥ 0.95× reference`,
        ok: r !== null && r.median >= 0.95,
        measured: ratioCell(r),
      });
    }
  }
  for (const m of results.cluster) {
    const n = m.n ?? 0;
    out.push({
      target: `${m.server}: fan-out at ${int(n)}, every client answered`,
      ok: m.result?.gotUpdate === n,
      measured: m.result ? int(m.result.gotUpdate) : `${m.error}`,
    });
  }
  for (const m of results.limits ?? []) {
    out.push({
      target: `${m.server}: ${
        int(m.n ?? 0)
      } polls past the limit: stays up, every held poll updated, the rest 503 with Retry-After`,
      ok: m.result !== undefined && heldTheLine(m.result),
      measured: m.result
        ? `${int(m.result.gotUpdate)} updated, ${
          int(m.result.rejected503)
        } 503, ${int(lostAnswers(m.result))} failed, up ${
          m.result.serverAlive && m.result.answersAfter ? "yes" : "no"
        }`
        : `${m.error}`,
    });
  }
  if (results.page) {
    const js = results.page.result?.jsGzip;
    out.push({
      target: `page JS of / ≤ ${int(PAGE_JS_BUDGET)} bytes gzipped`,
      ok: js !== undefined && js <= PAGE_JS_BUDGET,
      measured: js !== undefined ? `${int(js)} bytes` : `${results.page.error}`,
    });
  }
  return out;
}

const mib = (kib: number | null) => kib === null ? "–" : one(kib / 1024);

/** Clients that got neither an answer with the update nor a 503: failed, unanswered or otherwise answered. */
export function lostAnswers(f: FanoutResult): number {
  return Object.values(f.errors).reduce((a, b) => a + b, 0) + f.unanswered +
    Object.values(f.otherAnswers).reduce((a, b) => a + b, 0);
}

/**
 * A flood past the limit went as promised: the server stayed up and
 * answers afterwards, every client got the update or a 503 with
 * Retry-After, and some were refused (the limit was reached).
 */
export function heldTheLine(f: FanoutResult): boolean {
  return f.serverAlive && f.answersAfter && lostAnswers(f) === 0 &&
    f.gotUpdate + f.rejected503 === f.n && f.retryAfter === f.rejected503 &&
    f.rejected503 > 0;
}

/** The cluster phase's figures, a table of its own (it has no reference to pair with). */
export function clusterTable(f: FanoutResult, label: string): string {
  const N = int(f.n);
  const rows: [string, string][] = [
    [`got the update (of ${N})`, int(f.gotUpdate)],
    [
      "delivery p50 / p99 / max ms",
      [f.latency.p50, f.latency.p99, f.latency.max].map(ms).join(" / "),
    ],
    ["answers read", f.readAfter ? "once the cluster was idle" : "live"],
    ["503 (with Retry-After)", `${int(f.rejected503)} (${int(f.retryAfter)})`],
    ["failed, unanswered or other", int(lostAnswers(f))],
    ["seconds to open the polls", one(f.openMs / 1000)],
    ["holds timed out and re-polled before the update", int(f.repolls)],
    [
      "RSS of supervisor + processes, idle / held MiB",
      `${mib(f.rssIdleKiB)} / ${mib(f.rssHeldKiB)}`,
    ],
    [
      "KiB per held poll",
      f.kibPerHeldPoll === null ? "–" : one(f.kibPerHeldPoll),
    ],
    [
      "machine memory used, before / held MiB",
      `${mib(f.machineUsedIdleKiB)} / ${mib(f.machineUsedHeldKiB)}`,
    ],
    [
      "server CPU % of a core (update to last answer)",
      f.serverCpuPct === null ? "–" : int(f.serverCpuPct),
    ],
    [
      "stayed up; answers afterwards",
      `${f.serverAlive ? "yes" : "no"}; ${f.answersAfter ? "yes" : "no"}`,
    ],
  ];
  return [
    `| ${label}, fan-out ${N} | value |`,
    "| --- | --- |",
    ...rows.map(([label, value]) => `| ${label} | ${value} |`),
  ].join("\n");
}

/** The markdown report: machine, a table of every figure, then the verdicts. */
export function renderReport(results: BenchResults): string {
  const servers = results.servers;
  const others = apps(results);
  const hasRef = servers.includes(REFERENCE);
  const header = [
    "figure",
    ...servers,
    ...(hasRef ? others.map((a) => `${a} / reference`) : []),
  ];
  const rows: string[][] = [];
  const add = <T>(
    label: string,
    list: Measurement<T>[],
    pick: Pick<T>,
    format: (v: number) => string,
    ratio = true,
  ) => {
    rows.push([
      label,
      ...servers.map((s) => cell(values(list, s, pick), format)),
      ...(hasRef
        ? others.map((a) => ratio ? ratioCell(ratios(list, a, pick)) : "")
        : []),
    ]);
  };
  for (const n of results.config.sizes) {
    const list = results.fanout.filter((m) => m.n === n);
    if (list.length === 0) continue;
    const N = int(n);
    add(
      `fan-out ${N}: got the update (of ${N})`,
      list,
      (f) => f.gotUpdate,
      int,
      false,
    );
    add(`fan-out ${N}: p50 ms`, list, (f) => f.latency.p50, ms);
    add(`fan-out ${N}: p99 ms`, list, (f) => f.latency.p99, ms);
    add(`fan-out ${N}: max ms`, list, (f) => f.latency.max, ms);
    add(
      `fan-out ${N}: 503 answers (with Retry-After)`,
      list,
      (f) => f.rejected503,
      int,
      false,
    );
    add(
      `fan-out ${N}: failed or unanswered`,
      list,
      (f) => Object.values(f.errors).reduce((a, b) => a + b, 0) + f.unanswered,
      int,
      false,
    );
    add(
      `fan-out ${N}: answers afterwards (1 = yes)`,
      list,
      (f) => f.answersAfter ? 1 : 0,
      int,
      false,
    );
    add(
      `fan-out ${N}: client CPU % of a core`,
      list,
      (f) => f.clientCpuPct,
      int,
      false,
    );
    add(
      `fan-out ${N}: seconds to open the polls`,
      list,
      (f) => f.openMs / 1000,
      one,
      false,
    );
    add(
      `fan-out ${N}: holds timed out and re-polled before the update`,
      list,
      (f) => f.repolls,
      int,
      false,
    );
    add(
      `fan-out ${N}: server CPU % of a core`,
      list,
      (f) => f.serverCpuPct,
      int,
      false,
    );
    add(
      `fan-out ${N}: machine busy % of a core`,
      list,
      (f) => f.machine?.busyPct ?? null,
      int,
      false,
    );
    add(
      `memory ${N}: RSS idle MiB`,
      list,
      (f) => f.rssIdleKiB === null ? null : f.rssIdleKiB / 1024,
      one,
    );
    add(
      `memory ${N}: RSS held MiB`,
      list,
      (f) => f.rssHeldKiB === null ? null : f.rssHeldKiB / 1024,
      one,
    );
    add(`memory ${N}: KiB per held poll`, list, (f) => f.kibPerHeldPoll, one);
  }
  if (results.churn.length > 0) {
    const c = results.churn;
    const clients = results.config.churnClients;
    add(
      `churn: updates/s sustained (asked ${results.config.churnRate})`,
      c,
      (r) => r.sustainedPerSecond,
      one,
    );
    add("churn: delivery p50 ms", c, (r) => r.delivery.p50, ms);
    add("churn: delivery p99 ms", c, (r) => r.delivery.p99, ms);
    // What the admin feels: from an update's request to its answer.
    add("churn: update answered p50 ms", c, (r) => r.updateLatency.p50, ms);
    add("churn: update answered p99 ms", c, (r) => r.updateLatency.p99, ms);
    add(
      `churn: clients on final version (of ${int(clients)})`,
      c,
      (r) => r.onFinalVersion,
      int,
      false,
    );
    add("churn: lost updates", c, (r) => r.lost, int, false);
    add("churn: answers received", c, (r) => r.answers, int);
    add("churn: client CPU % of a core", c, (r) => r.clientCpuPct, int, false);
    add("churn: server CPU % of a core", c, (r) => r.serverCpuPct, int, false);
    add(
      "churn: machine busy % of a core",
      c,
      (r) => r.machine?.busyPct ?? null,
      int,
      false,
    );
  }
  if (results.reads.length > 0) {
    const r = results.reads;
    add(
      `reads: GET /get-status per second (${results.config.readsConnections} conns)`,
      r,
      (x) => x.perSecond,
      int,
    );
    add("reads: client CPU % of a core", r, (x) => x.clientCpuPct, int, false);
    add("reads: server CPU % of a core", r, (x) => x.serverCpuPct, int, false);
    add(
      "reads: machine busy % of a core",
      r,
      (x) => x.machine?.busyPct ?? null,
      int,
      false,
    );
  }
  const page = results.page?.result;
  if (page) {
    const blank: string[] = servers.map((s) => s === servers[0] ? "" : "–");
    const fill = (label: string, value: string) => {
      blank[0] = value;
      rows.push([label, ...blank, ...(hasRef ? others.map(() => "") : [])]);
    };
    fill(
      "page: HTML of / bytes (gzip)",
      `${int(page.html.raw)} (${int(page.html.gzip)})`,
    );
    fill(
      `page: JS bytes, ${page.scripts.length} files (gzip)`,
      `${int(page.jsRaw)} (${int(page.jsGzip)})`,
    );
  }
  const table = [header, header.map(() => "---"), ...rows]
    .map((r) => `| ${r.join(" | ")} |`).join("\n");
  const cluster = results.cluster.filter((m) => m.result);
  const m = results.machine;
  const lines = [
    `## Benchmark ${results.date}`,
    "",
    `${m.nproc ?? m.cores} cores (${m.cpuModel ?? "?"}), ` +
    `${m.memTotalKiB ? Math.round(m.memTotalKiB / 1024 / 1024) : "?"} GiB, ` +
    `Deno ${m.deno}, ${m.os}, open files ${m.openFileLimit ?? "?"}; ` +
    `${results.config.rounds} round(s), servers interleaved; ` +
    `fan-out load client: ${fanoutClientWords(results)}; ` +
    `cells are medians (min–max); ratios are per round.`,
    // A run of the cluster phase alone has no per-server figures.
    ...(rows.length ? ["", table] : []),
    ...cluster.flatMap((c) => ["", clusterTable(c.result!, c.server)]),
    ...(results.limits ?? []).filter((m) => m.result).flatMap((l) => [
      "",
      clusterTable(l.result!, `${l.server}, past its limit`),
    ]),
    "",
    "| target | measured | met |",
    "| --- | --- | --- |",
    ...verdicts(results).map((v) =>
      `| ${v.target} | ${oneLine(v.measured, 300)} | ${
        v.ok ? "yes" : "**no**"
      } |`
    ),
  ];
  const errors = [
    ...results.fanout,
    ...results.churn,
    ...results.reads,
    ...results.cluster,
    ...results.limits ?? [],
  ].filter((m) => m.error);
  if (errors.length || results.notes.length) {
    lines.push("");
    for (const note of results.notes) lines.push(`- ${note}`);
    for (const e of errors) {
      const what = e.n === undefined ? "" : ` fan-out ${int(e.n)}`;
      lines.push(
        `- ${e.server}${what} round ${e.round + 1}: ${oneLine(e.error!, 400)}`,
      );
    }
  }
  return lines.join("\n");
}
