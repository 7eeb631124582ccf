import assert from "node:assert/strict";
import {
  chartFiles,
  escapeXml,
  fanoutChart,
  LOG_SPAN,
  logTicks,
  memoryChart,
  niceTicks,
  parseResults,
} from "../../bench/charts.ts";
import { parseCli } from "../../bench/cli.ts";
import type { FanoutResult } from "../../bench/fanout.ts";
import type { BenchResults, Measurement } from "../../bench/report.ts";

const CLUSTER = "cluster (3 processes, redis)";

function fanout(n: number, p50: number, p99: number, kib: number) {
  return {
    n,
    gotUpdate: n,
    latency: { count: n, p50, p99, max: p99 + 10 },
    kibPerHeldPoll: kib,
  } as FanoutResult;
}

/** Two servers, three sizes, two rounds; the reference fails at 20,000; one cluster fan-out at 100,000. */
function fixture(app = "app"): BenchResults {
  const list: Measurement<FanoutResult>[] = [];
  // p99 of app per round: its medians are 200, 400, 600 ms.
  const appP99: Record<number, [number, number]> = {
    1_000: [100, 300],
    10_000: [350, 450],
    20_000: [600, 600],
  };
  for (const round of [0, 1]) {
    for (const n of [1_000, 10_000, 20_000]) {
      const p99 = appP99[n][round];
      list.push({
        server: app,
        round,
        n,
        result: fanout(n, p99 / 2, p99, 20 + round),
      });
      list.push(
        n === 20_000
          ? { server: "reference", round, n, error: "Too many open files" }
          : {
            server: "reference",
            round,
            n,
            result: fanout(n, 50, 150, 18),
          },
      );
    }
  }
  return {
    date: "2026-12-02T03:03:56.513Z",
    durationS: 60,
    machine: {
      cores: 2,
      nproc: 2,
      memTotalKiB: null,
      cpuModel: "AMD EPYC",
      deno: "2.9.6",
      v8: "",
      os: "linux",
      openFileLimit: 20_000,
    },
    config: {} as BenchResults["config"],
    servers: [app, "reference"],
    notes: [],
    fanout: list,
    churn: [],
    reads: [],
    page: null,
    cluster: [{
      server: CLUSTER,
      round: 0,
      n: 100_000,
      result: fanout(100_000, 3_000, 4_000, 19),
    }],
    limits: [],
  } as unknown as BenchResults;
}

/** `fixture` without the cluster: 50–600 ms, under 1.5 decades, so a linear y axis. */
function withoutCluster(app = "app"): BenchResults {
  return { ...fixture(app), cluster: [] };
}

/** One server, one round, p50 = p99 = `ms[n]` at each `n`. */
function ladder(ms: Record<number, number>): BenchResults {
  const results = fixture();
  results.servers = ["app"];
  results.cluster = [];
  results.fanout = Object.entries(ms).map(([n, v]) => ({
    server: "app",
    round: 0,
    n: Number(n),
    result: fanout(Number(n), v, v, 20),
  }));
  return results;
}

/** The root elements of `svg`; throws on a tag closed out of order, left open, or malformed. */
function roots(svg: string): string[] {
  const stack: string[] = [];
  const found: string[] = [];
  const tag = /^<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>$/;
  let last = 0;
  for (const match of svg.matchAll(/<[^>]*>/g)) {
    const between = svg.slice(last, match.index);
    assert.doesNotMatch(between, /[<>]|&(?!(amp|lt|gt|quot|#\d+);)/, between);
    last = match.index + match[0].length;
    const parts = tag.exec(match[0]);
    assert.ok(parts, `malformed tag ${match[0]}`);
    const [, closing, name, , selfClosing] = parts;
    if (closing) {
      assert.equal(stack.pop(), name, `</${name}> closes another element`);
    } else {
      if (stack.length === 0) found.push(name);
      if (!selfClosing) stack.push(name);
    }
  }
  assert.deepEqual(stack, [], "elements left open");
  assert.equal(svg.slice(last).trim(), "");
  return found;
}

function standalone(svg: string): void {
  assert.deepEqual(roots(svg), ["svg"]);
  const open = svg.slice(0, svg.indexOf(">"));
  assert.match(open, /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(open, /viewBox="0 0 \d+ \d+"/);
  assert.match(open, / width="\d+" height="\d+"/);
  assert.match(svg, /<title>[^<]+<\/title>/);
  assert.doesNotMatch(svg, /<script|@import|url\(/);
}

const attr = (element: string, name: string) =>
  Number(new RegExp(` ${name}="([-\\d.]+)"`).exec(element)![1]);

/** The series group of `label` in `svg`. */
function group(svg: string, label: string): string {
  const start = svg.indexOf(
    `<g class="series" data-series="${escapeXml(label)}">`,
  );
  assert.ok(start >= 0, `no series ${label}`);
  return svg.slice(start, svg.indexOf("</g>", start));
}

/** The y of the median dot at `n` of the series `label`. */
function dotY(svg: string, label: string, n: number): number {
  const dot = new RegExp(`<circle class="main" data-n="${n}"[^>]*>`)
    .exec(group(svg, label));
  assert.ok(dot, `no dot of ${label} at ${n}`);
  return attr(dot[0], "cy");
}

/** The y axis of `svg`: its scale and its labelled ticks, bottom first. */
function yAxis(svg: string): {
  scale: string;
  ticks: { y: number; v: number; label: string }[];
} {
  const start = svg.indexOf('<g class="y-axis"');
  const axis = svg.slice(start, svg.indexOf("</g>", start));
  const ticks = [
    ...axis.matchAll(/<text x="[\d.]+" y="([\d.]+)"[^>]*>([\d,.]+)<\/text>/g),
  ]
    .map(([, y, label]) => ({
      y: Number(y),
      v: Number(label.replace(/,/g, "")),
      label,
    }));
  return { scale: /data-scale="(\w+)"/.exec(axis)![1], ticks };
}

/** Value → y, read from the first and last labelled ticks of the y axis. */
function yScale(svg: string): (v: number) => number {
  const { scale, ticks } = yAxis(svg);
  const f = scale === "log" ? Math.log : (v: number) => v;
  const [a, b] = [ticks[0], ticks[ticks.length - 1]];
  return (v) => a.y + (f(v) - f(a.v)) * (b.y - a.y) / (f(b.v) - f(a.v)) - 4;
}

Deno.test("the fan-out chart is one standalone SVG document", () => {
  standalone(fanoutChart(fixture()));
});

Deno.test("the fan-out chart draws one series per server, the cluster's included", async (t) => {
  const svg = fanoutChart(fixture());
  await t.step("one legend entry each, the cluster last", () => {
    const entries = [
      ...svg.matchAll(/<g class="legend-entry" data-series="([^"]*)">/g),
    ].map((m) => m[1]);
    assert.deepEqual(entries, ["app", "reference", CLUSTER]);
  });

  await t.step("p99 solid with dots, p50 dashed", () => {
    const app = group(svg, "app");
    assert.match(app, /<polyline class="main"(?![^>]*dasharray)[^>]*\/>/);
    assert.match(app, /<polyline class="second"[^>]*stroke-dasharray/);
    assert.equal([...app.matchAll(/<circle class="main"/g)].length, 3);
  });

  await t.step("a range bar only where the rounds differ", () => {
    const app = group(svg, "app");
    assert.equal([...app.matchAll(/<line class="range"/g)].length, 2);
    assert.doesNotMatch(group(svg, "reference"), /class="range"/);
  });
});

Deno.test("the x axis is logarithmic and reaches 100,000", () => {
  const svg = fanoutChart(fixture());
  const ticks = [...svg.matchAll(/data-n="(\d+)">([\d,]+)<\/text>/g)]
    .map((m) => m[2]);
  for (
    const label of [
      "1,000",
      "2,000",
      "5,000",
      "10,000",
      "20,000",
      "50,000",
      "100,000",
    ]
  ) {
    assert.ok(ticks.includes(label), `no tick ${label} in ${ticks}`);
  }
  const tickX = (n: number) =>
    attr(new RegExp(`<text[^>]*data-n="${n}"`).exec(svg)![0], "x");
  const dotX = (label: string, n: number) =>
    attr(
      new RegExp(`<circle class="main" data-n="${n}"[^>]*>`)
        .exec(group(svg, label))![0],
      "cx",
    );
  assert.equal(dotX(CLUSTER, 100_000), tickX(100_000));
  assert.equal(dotX("app", 10_000), tickX(10_000));
  // Each decade is as wide as the next.
  const decade = tickX(10_000) - tickX(1_000);
  assert.ok(Math.abs(tickX(100_000) - tickX(10_000) - decade) < 0.2);
});

Deno.test("each dot is the median over rounds, a larger value drawn higher", async (t) => {
  const svg = fanoutChart(fixture());
  for (
    const [axis, chart] of [
      ["linear", fanoutChart(withoutCluster())],
      ["log", svg],
    ]
  ) {
    await t.step(`app's medians at 200, 400 and 600 ms, ${axis} axis`, () => {
      assert.equal(yAxis(chart).scale, axis);
      const y = yScale(chart);
      assert.ok(Math.abs(dotY(chart, "app", 1_000) - y(200)) < 0.2);
      assert.ok(Math.abs(dotY(chart, "app", 10_000) - y(400)) < 0.2);
      assert.ok(Math.abs(dotY(chart, "app", 20_000) - y(600)) < 0.2);
    });
  }

  await t.step("higher p99, smaller y", () => {
    assert.ok(dotY(svg, "app", 10_000) < dotY(svg, "app", 1_000));
    assert.ok(dotY(svg, "app", 1_000) < dotY(svg, "reference", 1_000));
    assert.ok(dotY(svg, CLUSTER, 100_000) < dotY(svg, "app", 20_000));
  });

  await t.step("the memory chart places KiB per held poll the same way", () => {
    const memory = memoryChart(fixture());
    standalone(memory);
    const at = yScale(memory);
    assert.ok(Math.abs(dotY(memory, "app", 1_000) - at(20.5)) < 0.2);
    assert.ok(dotY(memory, "app", 1_000) < dotY(memory, "reference", 1_000));
  });
});

Deno.test("the reference ends where one process runs out of descriptors, with a note", () => {
  const svg = fanoutChart(fixture());
  assert.doesNotMatch(group(svg, "reference"), /data-n="20000"/);
  assert.match(
    svg,
    /reference ends at 10,000 polls: one process holds at most 20,000 descriptors/,
  );
  assert.match(svg, /2 measurements failed \(not drawn\)/);
  const reaches = fixture();
  reaches.cluster = [];
  reaches.fanout = reaches.fanout.filter((m) => m.n !== 20_000);
  assert.doesNotMatch(fanoutChart(reaches), /reference ends/);
});

Deno.test("text from the results is escaped", () => {
  const name = `a<b & "c"`;
  for (const svg of [fanoutChart(fixture(name)), memoryChart(fixture(name))]) {
    standalone(svg);
    assert.ok(svg.includes("a&lt;b &amp; &quot;c&quot;"));
    assert.ok(!svg.includes(name));
  }
});

Deno.test("a run without fan-out data draws a chart that says so", async (t) => {
  const cases: [string, (r: BenchResults) => void][] = [
    ["no fan-out phase", (r) => {
      r.fanout = [];
      r.cluster = [];
    }],
    ["every measurement failed", (r) => {
      r.fanout = r.fanout.map(({ server, round, n }) => ({
        server,
        round,
        n,
        error: "refused",
      }));
      r.cluster = [];
    }],
    ["no answers: latencies stored as null", (r) => {
      for (const m of [...r.fanout, ...r.cluster]) {
        if (!m.result) continue;
        const latency = { count: 0, p50: null, p99: null, max: null };
        m.result = {
          ...m.result,
          latency,
          kibPerHeldPoll: null,
        } as unknown as FanoutResult;
      }
    }],
  ];
  for (const [what, change] of cases) {
    await t.step(what, () => {
      const results = fixture();
      change(results);
      for (const svg of [fanoutChart(results), memoryChart(results)]) {
        standalone(svg);
        assert.match(svg, /class="no-data">no data/);
        assert.doesNotMatch(svg, /class="series"/);
      }
    });
  }
});

Deno.test("the y axis turns logarithmic when the values span more than 1.5 decades", async (t) => {
  await t.step("linear from 0 up to a span of 30, log past it", () => {
    for (const [top, scale] of [[25, "linear"], [30, "linear"], [31, "log"]]) {
      const svg = fanoutChart(ladder({ 1_000: 100, 10_000: 100 * +top }));
      const axis = yAxis(svg);
      assert.equal(axis.scale, scale, `span ${top}`);
      assert.equal(axis.ticks[0].v === 0, scale === "linear", `span ${top}`);
      assert.equal(
        svg.includes("milliseconds from the update (log scale)"),
        scale === "log",
      );
    }
    assert.equal(LOG_SPAN, 30);
  });

  await t.step("the fixture's 50–4,000 ms: log ticks from 50 to 5,000", () => {
    assert.deepEqual(
      yAxis(fanoutChart(fixture())).ticks.map((tick) => tick.label),
      ["50", "100", "200", "500", "1,000", "2,000", "5,000"],
    );
  });

  await t.step("without the cluster, 50–600 ms: linear from 0", () => {
    const svg = fanoutChart(withoutCluster());
    assert.equal(yAxis(svg).scale, "linear");
    assert.doesNotMatch(svg, /update \(log scale\)/);
  });

  await t.step("the memory chart stays linear: 18–21 KiB", () => {
    assert.equal(yAxis(memoryChart(fixture())).scale, "linear");
  });
});

Deno.test("on a log y axis a value twice another is drawn the same height above it", () => {
  const svg = fanoutChart(ladder({
    1_000: 60,
    2_000: 120,
    5_000: 700,
    10_000: 1_400,
    20_000: 9_000,
    50_000: 18_000,
  }));
  assert.equal(yAxis(svg).scale, "log");
  const rise = (a: number, b: number) =>
    dotY(svg, "app", a) - dotY(svg, "app", b);
  const double = rise(1_000, 2_000);
  assert.ok(double > 20, `doubling rises ${double}`);
  assert.ok(Math.abs(rise(5_000, 10_000) - double) < 0.2);
  assert.ok(Math.abs(rise(20_000, 50_000) - double) < 0.2);
  // Ten times is as high as a decade of ticks.
  const y = yScale(svg);
  assert.ok(Math.abs(y(100) - y(1_000) - (y(1_000) - y(10_000))) < 0.2);
});

Deno.test("a min–max bar on a log y axis spans its rounds' values", () => {
  const svg = fanoutChart(fixture());
  assert.equal(yAxis(svg).scale, "log");
  const y = yScale(svg);
  // app at 1,000: p99 of 100 and 300 ms in its two rounds.
  const bar = /<line class="range"[^>]*>/.exec(group(svg, "app"))![0];
  assert.ok(Math.abs(attr(bar, "y1") - y(100)) < 0.2);
  assert.ok(Math.abs(attr(bar, "y2") - y(300)) < 0.2);
});

Deno.test("log y ticks are 1, 2 and 5 × 10^k from at or below the least value to at or above the greatest", () => {
  assert.deepEqual(logTicks(35.9, 19_245), [
    20,
    50,
    100,
    200,
    500,
    1_000,
    2_000,
    5_000,
    10_000,
    20_000,
  ]);
  assert.deepEqual(logTicks(1_000, 100_000), [
    1_000,
    2_000,
    5_000,
    10_000,
    20_000,
    50_000,
    100_000,
  ]);
  assert.deepEqual(logTicks(0.3, 4), [0.2, 0.5, 1, 2, 5]);
  // Past seven decades, 1, 2, 5 would crowd: powers of ten only.
  assert.deepEqual(
    logTicks(3, 2e8),
    [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9],
  );
  for (const v of logTicks(0.013, 77_000)) {
    const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
    assert.ok(
      [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9),
      `${v} is not 1, 2 or 5 × 10^k`,
    );
  }
});

Deno.test("y ticks start at 0 and step by 1, 2, 2.5 or 5 × 10^k past the maximum", () => {
  assert.deepEqual(niceTicks(600), [0, 200, 400, 600]);
  assert.deepEqual(niceTicks(601), [0, 200, 400, 600, 800]);
  assert.deepEqual(niceTicks(4_000), [0, 1_000, 2_000, 3_000, 4_000]);
  assert.deepEqual(niceTicks(21), [0, 5, 10, 15, 20, 25]);
  assert.deepEqual(niceTicks(0.7), [0, 0.2, 0.4, 0.6, 0.8]);
});

Deno.test("charts are named after the results file", () => {
  const files = chartFiles("bench/results/2026-12-02.json", fixture());
  assert.deepEqual(files.map((f) => f.path), [
    "bench/results/2026-12-02-fanout.svg",
    "bench/results/2026-12-02-memory.svg",
  ]);
});

Deno.test("--charts-from names a stored results file to draw", async (t) => {
  await t.step("parsed from the command line, empty by default", () => {
    const config = parseCli(["--charts-from", "bench/results/x.json"]);
    assert.ok(config !== "help");
    assert.equal(config.chartsFrom, "bench/results/x.json");
    const plain = parseCli([]);
    assert.ok(plain !== "help");
    assert.equal(plain.chartsFrom, "");
  });

  await t.step(
    "a stored file is read back, older ones without a cluster list too",
    () => {
      const { cluster: _, ...older } = fixture();
      const results = parseResults(JSON.stringify(older));
      assert.deepEqual(results.cluster, []);
      assert.equal(results.fanout.length, 12);
    },
  );

  await t.step("a file that is not a run's results is refused", () => {
    assert.throws(() => parseResults('{"tasks": []}'), /no fanout list/);
    assert.throws(() => parseResults("[1, 2]"), /no fanout list/);
  });
});
