/**
 * SVG charts of a run's fan-out latency and memory per held poll, drawn
 * from its stored results: pure functions from {@link BenchResults} to
 * standalone SVG documents.
 */
import type { FanoutResult } from "./fanout.ts";
import { type BenchResults, type Measurement, REFERENCE } from "./report.ts";
import { type Spread, spread } from "./stats.ts";

/** One N of one server: the spread over its rounds. */
interface Point {
  n: number;
  main: Spread;
  second: Spread | null;
  /** Some round held fewer polls than were opened (the rest got 503s). */
  partial: boolean;
}

interface Series {
  label: string;
  colour: string;
  points: Point[];
}

interface ChartSpec {
  title: string;
  subtitle: string;
  yLabel: string;
  unit: string;
  series: Series[];
  /** Legend lines after the series: what the solid and dashed lines are. */
  key: { text: string; dashed?: boolean; bar?: boolean; hollow?: boolean }[];
  notes: string[];
  empty: string;
  mainName: string;
  secondName: string;
}

type Pick = (f: FanoutResult) => unknown;

const WIDTH = 960;
const PLOT = { left: 78, right: 700, top: 86, bottom: 440 };
const LEGEND_X = 728;
const FONT =
  "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const INK = "#1f2328";
const MUTED = "#57606a";
const GRID = "#d8dee4";
/** Colour-blind safe, dark enough for a white background; the reference is grey. */
const PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00"];
const REFERENCE_COLOUR = "#6e7781";

const int = (v: number) => Math.round(v).toLocaleString("en-US");

/** Text safe inside an element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const finite = (v: unknown): v is number =>
  typeof v === "number" && Number.isFinite(v);

/** Series by server, in order of first appearance; only rounds with a value count. */
function seriesOf(
  list: Measurement<FanoutResult>[],
  order: string[],
  pick: Pick,
  second: Pick | null,
): Omit<Series, "colour">[] {
  const labels = [...new Set([...order, ...list.map((m) => m.server)])];
  const out: Omit<Series, "colour">[] = [];
  for (const label of labels) {
    const byN = new Map<number, FanoutResult[]>();
    for (const m of list) {
      const n = m.n ?? m.result?.n;
      if (m.server !== label || !m.result || !finite(n) || n <= 0) continue;
      if (!finite(pick(m.result))) continue;
      byN.set(n, [...byN.get(n) ?? [], m.result]);
    }
    const points = [...byN].sort(([a], [b]) => a - b).map(([n, rounds]) => ({
      n,
      main: spread(rounds.map(pick).filter(finite))!,
      second: second ? spread(rounds.map(second).filter(finite)) : null,
      partial: rounds.some((f) => finite(f.gotUpdate) && f.gotUpdate < n),
    }));
    if (points.length > 0) out.push({ label, points });
  }
  return out;
}

function coloured(series: Omit<Series, "colour">[]): Series[] {
  let next = 0;
  return series.map((s) => ({
    ...s,
    colour: s.label === REFERENCE
      ? REFERENCE_COLOUR
      : PALETTE[next++ % PALETTE.length],
  }));
}

/** The fan-out phase's servers and then each cluster server, as series of `pick`. */
function allSeries(results: BenchResults, pick: Pick, second: Pick | null) {
  const fanout = seriesOf(
    results.fanout ?? [],
    results.servers ?? [],
    pick,
    second,
  );
  const cluster = seriesOf(results.cluster ?? [], [], pick, second);
  return coloured([...fanout, ...cluster]);
}

function subtitle(results: BenchResults, series: Series[]): string {
  const m = results.machine ?? {};
  const date = typeof results.date === "string"
    ? results.date.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC")
    : "undated";
  const rounds = Math.max(
    0,
    ...series.flatMap((s) => s.points.map((p) => p.main.n)),
  );
  return [
    date,
    `${m.nproc ?? m.cores ?? "?"} cores (${m.cpuModel ?? "CPU unknown"})`,
    `Deno ${m.deno ?? "?"}`,
    `open files ${finite(m.openFileLimit) ? int(m.openFileLimit) : "?"}`,
    rounds > 1
      ? `up to ${rounds} rounds: median, bar min–max`
      : rounds === 1
      ? "1 round"
      : "",
  ].filter(Boolean).join(" · ");
}

function failures(results: BenchResults): string[] {
  const failed = [...results.fanout ?? [], ...results.cluster ?? []]
    .filter((m) => m.error).length;
  return failed === 0
    ? []
    : [`${failed} measurement${failed > 1 ? "s" : ""} failed (not drawn)`];
}

/** A note when the reference has no point at the largest N drawn. */
function referenceNote(results: BenchResults, series: Series[]): string[] {
  const reference = series.find((s) => s.label === REFERENCE);
  if (!reference) return [];
  const last = reference.points[reference.points.length - 1].n;
  const largest = Math.max(...series.flatMap((s) => s.points.map((p) => p.n)));
  if (last >= largest) return [];
  const limit = results.machine?.openFileLimit;
  return [
    `reference ends at ${int(last)} polls: one process holds at most ${
      finite(limit) ? int(limit) : "its open-file limit of"
    } descriptors`,
  ];
}

/**
 * Fan-out latency against held polls: per server, the median over rounds
 * of p99 (solid, with a min–max bar) and p50 (dashed), on a log N axis.
 */
export function fanoutChart(results: BenchResults): string {
  const series = allSeries(
    results,
    (f) => f.latency?.p99,
    (f) => f.latency?.p50,
  );
  return drawChart({
    title: "Fan-out: time from one update to the answer of every held poll",
    subtitle: subtitle(results, series),
    yLabel: "milliseconds from the update",
    unit: "ms",
    series,
    key: [
      { text: "p99, median of rounds" },
      { text: "min–max of p99 over rounds", bar: true },
      { text: "p50, median of rounds", dashed: true },
      ...(series.some((s) => s.points.some((p) => p.partial))
        ? [{ text: "some polls refused (503)", hollow: true }]
        : []),
    ],
    notes: [...referenceNote(results, series), ...failures(results)],
    empty: "no data: this run has no fan-out with answers",
    mainName: "p99",
    secondName: "p50",
  });
}

/** Memory per held poll ((RSS held − idle) / polls answered) against held polls, per server. */
export function memoryChart(results: BenchResults): string {
  const series = allSeries(results, (f) => f.kibPerHeldPoll, null);
  return drawChart({
    title: "Memory per held poll",
    subtitle: subtitle(results, series),
    yLabel: "KiB per held poll (RSS held − idle)",
    unit: "KiB",
    series,
    key: [
      { text: "median of rounds" },
      { text: "min–max over rounds", bar: true },
      ...(series.some((s) => s.points.some((p) => p.partial))
        ? [{ text: "some polls refused (503)", hollow: true }]
        : []),
    ],
    notes: [
      ...referenceNote(results, series),
      ...(results.cluster?.some((m) => m.result)
        ? ["cluster: supervisor and all its processes"]
        : []),
      ...failures(results),
    ],
    empty: "no data: this run has no fan-out with a memory reading",
    mainName: "KiB per held poll",
    secondName: "",
  });
}

/** The SVG files of a run stored at `jsonPath`, named after it. */
export function chartFiles(
  jsonPath: string,
  results: BenchResults,
): { path: string; svg: string }[] {
  const base = jsonPath.replace(/\.json$/, "");
  return [
    { path: `${base}-fanout.svg`, svg: fanoutChart(results) },
    { path: `${base}-memory.svg`, svg: memoryChart(results) },
  ];
}

/** A stored results JSON, checked just enough to be drawn; throws when it is not one. */
export function parseResults(json: string): BenchResults {
  const value: unknown = JSON.parse(json);
  const list = (v: unknown) => Array.isArray(v) ? v : [];
  if (
    typeof value !== "object" || value === null ||
    !Array.isArray((value as { fanout?: unknown }).fanout)
  ) {
    throw new Error("not the results of deno task bench: no fanout list");
  }
  const v = value as Partial<BenchResults>;
  return {
    ...v,
    servers: list(v.servers),
    cluster: list(v.cluster),
    limits: list(v.limits),
  } as BenchResults;
}

/** Log ticks 1, 2, 5 × 10^k covering the data and at least 1,000–100,000. */
function logDomain(ns: number[]): { lo: number; hi: number; ticks: number[] } {
  const lo = 10 ** Math.floor(Math.log10(Math.min(1_000, ...ns)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(100_000, ...ns)));
  const ticks: number[] = [];
  for (let decade = lo; decade <= hi; decade *= 10) {
    for (const m of [1, 2, 5]) if (decade * m <= hi) ticks.push(decade * m);
  }
  return { lo, hi, ticks };
}

/**
 * Above this ratio of the largest to the smallest value drawn (about 1.5
 * decades) a linear axis from 0 squashes the small values against the
 * bottom, so the y axis turns logarithmic.
 */
export const LOG_SPAN = 30;

/** How values map to the height of the plot: 0 at the bottom, 1 at the top. */
interface YScale {
  log: boolean;
  ticks: number[];
  at: (v: number) => number;
  label: (v: number) => string;
}

/**
 * A log axis when every value is positive and the largest is more than
 * {@link LOG_SPAN} times the smallest; otherwise linear from 0.
 */
function yScaleOf(values: number[]): YScale {
  const lowest = Math.min(...values);
  const highest = Math.max(...values);
  if (lowest > 0 && highest / lowest > LOG_SPAN) {
    const ticks = logTicks(lowest, highest);
    const lo = ticks[0];
    const span = Math.log(ticks[ticks.length - 1] / lo);
    // A margin inside the frame, as on the x axis: a value at an end tick
    // keeps its whole dot.
    const pad = 0.04 * span;
    return {
      log: true,
      ticks,
      at: (v) => (Math.log(v / lo) + pad) / (span + 2 * pad),
      label: (v) => v.toLocaleString("en-US", { maximumFractionDigits: 12 }),
    };
  }
  const ticks = niceTicks(highest);
  const step = ticks[1] - ticks[0];
  return {
    log: false,
    ticks,
    at: (v) => v / ticks[ticks.length - 1],
    label: (v) => tickLabel(v, step),
  };
}

/**
 * Log ticks 1, 2, 5 × 10^k from the largest at or below `min` to the
 * smallest at or above `max`; past seven decades, powers of ten only, so
 * that the labels keep apart.
 */
export function logTicks(min: number, max: number): number[] {
  const multiples = Math.log10(max / min) > 7 ? [1] : [1, 2, 5];
  const candidates: number[] = [];
  const last = Math.ceil(Math.log10(max)) + 1;
  for (let k = Math.floor(Math.log10(min)) - 1; k <= last; k++) {
    // toPrecision drops the float noise of 2 × 10^-3 and the like.
    for (const m of multiples) {
      candidates.push(Number((m * 10 ** k).toPrecision(12)));
    }
  }
  const lo = Math.max(...candidates.filter((v) => v <= min));
  const hi = Math.min(...candidates.filter((v) => v >= max));
  return candidates.filter((v) => v >= lo && v <= hi);
}

/** Linear ticks from 0 in steps of 1, 2, 2.5 or 5 × 10^k, about five of them. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power)
    .find((s) => s >= raw)!;
  const count = Math.ceil(max / step - 1e-9);
  // toPrecision drops the float noise of i × 0.2 and the like.
  return Array.from(
    { length: count + 1 },
    (_, i) => Number((i * step).toPrecision(12)),
  );
}

function tickLabel(v: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.ceil(-Math.log10(step));
  return v.toLocaleString("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

const fixed = (v: number) => v.toFixed(1);

function text(
  x: number,
  y: number,
  content: string,
  attrs = "",
): string {
  return `<text x="${fixed(x)}" y="${fixed(y)}"${attrs ? ` ${attrs}` : ""}>${
    escapeXml(content)
  }</text>`;
}

function svgDocument(spec: ChartSpec, body: string[]): string {
  // Room below the axis for the notes.
  const height = PLOT.bottom + 76 + 17 * spec.notes.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}" font-size="13" fill="${INK}">`,
    `<title>${escapeXml(spec.title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(PLOT.left, 30, spec.title, 'font-size="18" font-weight="600"'),
    text(PLOT.left, 52, spec.subtitle, `fill="${MUTED}"`),
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

function drawChart(spec: ChartSpec): string {
  const { series } = spec;
  if (series.length === 0) {
    return svgDocument(spec, [
      `<rect x="${PLOT.left}" y="${PLOT.top}" width="${
        PLOT.right - PLOT.left
      }" height="${PLOT.bottom - PLOT.top}" fill="#f6f8fa" stroke="${GRID}"/>`,
      text(
        (PLOT.left + PLOT.right) / 2,
        (PLOT.top + PLOT.bottom) / 2,
        spec.empty,
        `text-anchor="middle" font-size="16" fill="${MUTED}" class="no-data"`,
      ),
    ]);
  }
  const points = series.flatMap((s) => s.points);
  const x = logDomain(points.map((p) => p.n));
  // Every value drawn: on a log axis all are positive, a bar's low end too.
  const y = yScaleOf(
    points.flatMap((p) => [
      p.main.min,
      p.main.max,
      ...p.second ? [p.second.median] : [],
    ]),
  );
  const yTicks = y.ticks;
  // A margin inside the frame, so that the dots at the ends are whole.
  const pad = 0.04 * Math.log(x.hi / x.lo);
  const px = (n: number) =>
    PLOT.left + (PLOT.right - PLOT.left) * (Math.log(n / x.lo) + pad) /
      (Math.log(x.hi / x.lo) + 2 * pad);
  const py = (v: number) => PLOT.bottom - (PLOT.bottom - PLOT.top) * y.at(v);
  const body: string[] = [];

  body.push(`<g class="grid" stroke="${GRID}" stroke-width="1">`);
  for (const v of yTicks) {
    body.push(
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${fixed(py(v))}" y2="${
        fixed(py(v))
      }"/>`,
    );
  }
  for (const n of x.ticks) {
    body.push(
      `<line x1="${fixed(px(n))}" x2="${
        fixed(px(n))
      }" y1="${PLOT.top}" y2="${PLOT.bottom}"/>`,
    );
  }
  body.push("</g>");

  body.push(
    `<g class="y-axis" data-scale="${
      y.log ? "log" : "linear"
    }" font-size="12" fill="${MUTED}">`,
  );
  for (const v of yTicks) {
    body.push(text(PLOT.left - 8, py(v) + 4, y.label(v), 'text-anchor="end"'));
  }
  body.push("</g>");
  const yMid = (PLOT.top + PLOT.bottom) / 2;
  body.push(
    text(
      20,
      yMid,
      y.log ? `${spec.yLabel} (log scale)` : spec.yLabel,
      `text-anchor="middle" transform="rotate(-90 20 ${yMid})" fill="${MUTED}"`,
    ),
  );

  body.push(`<g class="x-axis" font-size="12" fill="${MUTED}">`);
  for (const n of x.ticks) {
    body.push(
      text(
        px(n),
        PLOT.bottom + 18,
        int(n),
        `text-anchor="middle" data-n="${n}"`,
      ),
    );
  }
  body.push("</g>");
  body.push(
    text(
      (PLOT.left + PLOT.right) / 2,
      PLOT.bottom + 42,
      "polls held at once (N, log scale)",
      `text-anchor="middle" fill="${MUTED}"`,
    ),
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${
      PLOT.right - PLOT.left
    }" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="${MUTED}"/>`,
  );

  for (const s of series) {
    const colour = s.colour;
    const path = (pick: (p: Point) => number | undefined) =>
      s.points.filter((p) => pick(p) !== undefined)
        .map((p) => `${fixed(px(p.n))},${fixed(py(pick(p)!))}`).join(" ");
    body.push(`<g class="series" data-series="${escapeXml(s.label)}">`);
    if (s.points.some((p) => p.second)) {
      body.push(
        `<polyline class="second" points="${
          path((p) => p.second?.median)
        }" fill="none" stroke="${colour}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      );
    }
    body.push(
      `<polyline class="main" points="${
        path((p) => p.main.median)
      }" fill="none" stroke="${colour}" stroke-width="2.25"/>`,
    );
    for (const p of s.points) {
      const cx = fixed(px(p.n));
      if (p.main.max > p.main.min) {
        body.push(
          `<line class="range" x1="${cx}" x2="${cx}" y1="${
            fixed(py(p.main.min))
          }" y2="${
            fixed(py(p.main.max))
          }" stroke="${colour}" stroke-width="1"/>`,
          ...[p.main.min, p.main.max].map((v) =>
            `<line x1="${fixed(px(p.n) - 3)}" x2="${fixed(px(p.n) + 3)}" y1="${
              fixed(py(v))
            }" y2="${fixed(py(v))}" stroke="${colour}" stroke-width="1"/>`
          ),
        );
      }
      if (p.second) {
        body.push(
          `<circle class="second" cx="${cx}" cy="${
            fixed(py(p.second.median))
          }" r="2.5" fill="${colour}"/>`,
        );
      }
      const tip = `${s.label}, ${int(p.n)} polls: ${spec.mainName} ${
        describe(p.main, spec.unit)
      }${
        p.second ? `; ${spec.secondName} ${describe(p.second, spec.unit)}` : ""
      }${p.partial ? "; some polls refused with 503" : ""}`;
      body.push(
        `<circle class="main" data-n="${p.n}" cx="${cx}" cy="${
          fixed(py(p.main.median))
        }" r="4" fill="${
          p.partial ? "#ffffff" : colour
        }" stroke="${colour}" stroke-width="2"><title>${
          escapeXml(tip)
        }</title></circle>`,
      );
    }
    body.push("</g>");
  }

  // A bar in the key only when some point has one (one round has none).
  const ranged = points.some((p) => p.main.max > p.main.min);
  body.push(...legend(spec, ranged));
  spec.notes.forEach((note, i) => {
    body.push(
      text(
        PLOT.left,
        PLOT.bottom + 66 + i * 17,
        note,
        `fill="${MUTED}" font-size="12" class="note"`,
      ),
    );
  });
  return svgDocument(spec, body);
}

function describe(s: Spread, unit: string): string {
  const v = (x: number) =>
    x.toLocaleString("en-US", { maximumFractionDigits: 1 });
  return s.n > 1 && s.max > s.min
    ? `${v(s.median)} ${unit} (${v(s.min)}–${v(s.max)}, ${s.n} rounds)`
    : `${v(s.median)} ${unit}`;
}

/** Series names, wrapped to the legend's width, then the key to the line styles. */
function legend(spec: ChartSpec, ranged: boolean): string[] {
  const out = [`<g class="legend">`];
  let y = PLOT.top + 6;
  const swatch = (colour: string, dashed = false) =>
    `<line x1="${LEGEND_X}" x2="${LEGEND_X + 26}" y1="${fixed(y - 4)}" y2="${
      fixed(y - 4)
    }" stroke="${colour}" stroke-width="${dashed ? 1.5 : 2.25}"${
      dashed ? ' stroke-dasharray="6 4"' : ""
    }/>`;
  for (const s of spec.series) {
    out.push(
      `<g class="legend-entry" data-series="${escapeXml(s.label)}">`,
      swatch(s.colour),
      `<circle cx="${LEGEND_X + 13}" cy="${
        fixed(y - 4)
      }" r="4" fill="${s.colour}"/>`,
    );
    for (const [i, line] of wrap(s.label, 27).entries()) {
      out.push(
        text(LEGEND_X + 34, y + i * 16, line),
      );
    }
    out.push("</g>");
    y += 16 * wrap(s.label, 27).length + 8;
  }
  y += 10;
  for (const k of spec.key.filter((k) => ranged || !k.bar)) {
    if (k.bar) {
      out.push(
        `<line x1="${LEGEND_X + 13}" x2="${LEGEND_X + 13}" y1="${
          fixed(y - 11)
        }" y2="${fixed(y + 3)}" stroke="${MUTED}"/>`,
      );
    } else if (k.hollow) {
      out.push(
        `<circle cx="${LEGEND_X + 13}" cy="${
          fixed(y - 4)
        }" r="4" fill="#ffffff" stroke="${MUTED}" stroke-width="2"/>`,
      );
    } else {
      out.push(swatch(MUTED, k.dashed));
    }
    out.push(text(LEGEND_X + 34, y, k.text, `fill="${MUTED}" font-size="12"`));
    y += 20;
  }
  out.push("</g>");
  return out;
}

/** Words of `label` in lines of at most `width` characters (a long word stays whole). */
function wrap(label: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of label.split(" ")) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= width) {
      lines[lines.length - 1] = `${last} ${word}`;
    } else lines.push(word);
  }
  return lines;
}
