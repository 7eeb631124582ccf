/**
 * A tiny run of `deno task bench` (N = 200, one round, small phases): proves
 * the benchmark still measures every figure for the app and the reference,
 * and that every held client got the update. The full run is not a test.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

interface Measured<T> {
  server: string;
  round: number;
  n?: number;
  result?: T;
  error?: string;
}

interface SmokeResults {
  date: string;
  machine: { cores: number; memTotalKiB: number | null; deno: string };
  servers: string[];
  fanout: Measured<{
    n: number;
    gotUpdate: number;
    latency: Latency;
    unanswered: number;
    rssIdleKiB: number | null;
    kibPerHeldPoll: number | null;
  }>[];
  churn: Measured<{
    clients: number;
    onFinalVersion: number;
    lost: number;
    sustainedPerSecond: number | null;
    delivery: Latency;
  }>[];
  reads: Measured<{ perSecond: number; failed: number }>[];
  page: { result?: { html: { raw: number; gzip: number }; jsGzip: number } };
}

function only<T>(list: Measured<T>[], server: string): T {
  const mine = list.filter((m) => m.server === server);
  assert.equal(mine.length, 1, `one measurement of ${server}`);
  assert.equal(mine[0].error, undefined, `${server} failed`);
  assert.ok(mine[0].result, `${server} has a result`);
  return mine[0].result;
}

function assertLatency(latency: Latency, what: string): void {
  for (const key of ["p50", "p99", "max"] as const) {
    assert.ok(
      Number.isFinite(latency[key]) && latency[key] >= 0,
      `${what} ${key} is a duration`,
    );
  }
  assert.ok(latency.p50 <= latency.p99 && latency.p99 <= latency.max);
}

Deno.test("the benchmark's smoke run measures every figure for the app and the reference", async (t) => {
  const out = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "bench/main.ts", "--smoke", "--out", out],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    const stdout = decoder.decode(run.stdout);
    const stderr = decoder.decode(run.stderr);
    assert.equal(run.code, 0, `bench exited with ${run.code}:\n${stderr}`);
    const results = JSON.parse(await Deno.readTextFile(out)) as SmokeResults;

    await t.step("the raw results name the date and the machine", () => {
      assert.ok(!Number.isNaN(Date.parse(results.date)));
      assert.ok(results.machine.cores >= 1);
      assert.ok((results.machine.memTotalKiB ?? 0) > 0);
      assert.match(results.machine.deno, /^\d+\.\d+\.\d+/);
    });

    await t.step("the app and the reference are both measured", () => {
      assert.ok(results.servers.includes("app"), stderr);
      assert.ok(results.servers.includes("reference"));
    });

    await t.step("fan-out: every client got the update, with latencies", () => {
      for (const server of results.servers) {
        const f = only(results.fanout, server);
        assert.equal(f.n, 200);
        assert.equal(f.gotUpdate, 200, `${server}: every client updated`);
        assert.equal(f.unanswered, 0);
        assertLatency(f.latency, `${server} fan-out`);
      }
    });

    await t.step("memory: resident size idle and per held poll", () => {
      for (const server of results.servers) {
        const f = only(results.fanout, server);
        assert.ok((f.rssIdleKiB ?? 0) > 0, `${server} idle RSS`);
        assert.ok(Number.isFinite(f.kibPerHeldPoll), `${server} KiB per poll`);
      }
    });

    await t.step(
      "churn: nothing lost, every client on the final version",
      () => {
        for (const server of results.servers) {
          const c = only(results.churn, server);
          assert.equal(c.lost, 0, `${server} lost updates`);
          assert.equal(c.onFinalVersion, c.clients);
          assert.ok((c.sustainedPerSecond ?? 0) > 0);
          assertLatency(c.delivery, `${server} churn delivery`);
        }
      },
    );

    await t.step("plain reads: requests per second", () => {
      for (const server of results.servers) {
        const r = only(results.reads, server);
        assert.ok(r.perSecond > 0, `${server} reads`);
        assert.equal(r.failed, 0);
      }
    });

    await t.step("page weight of / and its JavaScript, raw and gzipped", () => {
      const page = results.page.result;
      assert.ok(page, "page weighed");
      assert.ok(page.html.raw > 0 && page.html.gzip > 0);
      assert.ok(Number.isFinite(page.jsGzip));
    });

    await t.step(
      "the printed table has a column per server and every figure",
      () => {
        const headerLine = stdout.split("\n").find((l) =>
          l.startsWith("| figure |")
        );
        assert.ok(headerLine, stdout);
        for (const server of results.servers) {
          assert.ok(headerLine.includes(`| ${server} |`), server);
        }
        for (
          const figure of [
            "fan-out 200: p50 ms",
            "fan-out 200: p99 ms",
            "fan-out 200: max ms",
            "memory 200: KiB per held poll",
            "churn: updates/s sustained",
            "churn: delivery p99 ms",
            "reads: GET /get-status per second",
            "page: JS bytes",
          ]
        ) {
          assert.ok(stdout.includes(`| ${figure}`), `table row ${figure}`);
        }
      },
    );
  } finally {
    await Deno.remove(out);
  }
});
