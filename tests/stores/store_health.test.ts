import assert from "node:assert/strict";
import {
  describeFault,
  StoreHealth,
  type StoreHealthOptions,
} from "../../lib/stores/store_health.ts";
import { waitFor } from "../support/server.ts";

/** Probe writes the test settles by hand, counted. */
function manualProbes() {
  const pending: { resolve(): void; reject(error: Error): void }[] = [];
  return {
    pending,
    probe: () =>
      new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
  };
}

/** A health with a log kept for the test; closed (and asserted disarmed) by the caller. */
function health(options: Partial<StoreHealthOptions> = {}) {
  const log: string[] = [];
  const tracked = new StoreHealth({
    name: "test store",
    probe: () => Promise.reject(new Error("still down")),
    timeoutMs: 1_000,
    retryMs: 60_000,
    log: (line) => log.push(line),
    ...options,
  });
  return { health: tracked, log };
}

Deno.test("store health: a failure makes the store unhealthy with its reason, told once per outage", async () => {
  const { health: h, log } = health();
  assert.equal(h.healthy, true);
  assert.deepEqual(h.report(), { ok: true });
  h.failed("the disk is full");
  h.failed("the disk is still full");
  assert.equal(h.healthy, false);
  assert.deepEqual(h.report(), {
    ok: false,
    reason: "the disk is still full",
  });
  assert.deepEqual(log, ["test store: the disk is full"]);
  await h.close();
  assert.equal(h.armed, false);
});

Deno.test("store health: only a write begun after the last failure makes it healthy again", async () => {
  const { health: h, log } = health();
  const before = h.begin();
  h.failed("the disk is full");
  h.succeeded(before);
  assert.equal(h.healthy, false, "a write that began before the failure");
  const after = h.begin();
  h.succeeded(after);
  assert.equal(h.healthy, true);
  assert.deepEqual(log, [
    "test store: the disk is full",
    "test store: working again",
  ]);
  assert.equal(h.armed, false, "no probe left once healthy");
  await h.close();
});

Deno.test("store health: while unhealthy, a probe write runs every retryMs until one succeeds", async () => {
  let probes = 0;
  const { health: h } = health({
    retryMs: 10,
    probe: () => {
      probes++;
      return probes < 3
        ? Promise.reject(new Error(`probe ${probes} failed`))
        : Promise.resolve();
    },
  });
  try {
    h.failed("the disk is full");
    await waitFor(() => probes >= 2, 5_000, "a failed probe");
    await waitFor(() => h.healthy, 5_000, "the third probe to succeed");
    assert.equal(probes, 3);
    assert.equal(h.armed, false);
  } finally {
    await h.close();
  }
});

Deno.test("store health: a probe that misses its deadline fails, and the next one waits for it", async () => {
  const probes = manualProbes();
  const { health: h } = health({
    probe: probes.probe,
    timeoutMs: 30,
    retryMs: 10,
  });
  try {
    h.failed("Redis did not answer");
    await waitFor(
      () => h.report().ok === false && probes.pending.length === 1,
      5_000,
      "the first probe",
    );
    await waitFor(
      () => !h.report().ok && /no answer within 30 ms/.test(reasonOf(h)),
      5_000,
      "the probe to miss its deadline",
    );
    // Many retry periods pass: a stuck store gets no pile of probes.
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(probes.pending.length, 1);
    assert.equal(h.armed, true);
    probes.pending[0].reject(new Error("answered late"));
    await waitFor(() => probes.pending.length === 2, 5_000, "the next probe");
    probes.pending[1].resolve();
    await waitFor(() => h.healthy, 5_000, "the store to be healthy");
    assert.equal(h.armed, false);
  } finally {
    await h.close();
  }
});

function reasonOf(h: StoreHealth): string {
  const report = h.report();
  return report.ok ? "" : report.reason;
}

Deno.test("store health: a check", async (t) => {
  await t.step(
    "probes when no write succeeded lately, once for all callers",
    async () => {
      let clock = 0;
      let probes = 0;
      const { health: h } = health({
        now: () => clock,
        freshMs: 1_000,
        probe: () => {
          probes++;
          return Promise.resolve();
        },
      });
      const reports = await Promise.all([h.check(), h.check(), h.check()]);
      assert.deepEqual(reports, [{ ok: true }, { ok: true }, { ok: true }]);
      assert.equal(probes, 1);
      clock = 999;
      await h.check();
      assert.equal(probes, 1, "the probe vouches for freshMs");
      clock = 1_500;
      h.succeeded(h.begin());
      clock = 2_400;
      await h.check();
      assert.equal(probes, 1, "so does an update's write");
      clock = 2_500;
      await h.check();
      assert.equal(probes, 2);
      await h.close();
    },
  );

  await t.step("reports a failed probe with its reason", async () => {
    const { health: h } = health({
      probe: () => Promise.reject(new Error("database or disk is full")),
    });
    assert.deepEqual(await h.check(), {
      ok: false,
      reason: "database or disk is full",
    });
    assert.equal(h.healthy, false);
    await h.close();
  });

  await t.step("answers within the deadline when the probe hangs", async () => {
    const probes = manualProbes();
    const { health: h } = health({ probe: probes.probe, timeoutMs: 50 });
    const started = performance.now();
    assert.deepEqual(await h.check(), {
      ok: false,
      reason: "no answer within 50 ms",
    });
    assert.ok(performance.now() - started < 1_000);
    const closing = h.close();
    probes.pending[0].resolve();
    await closing;
    assert.equal(h.armed, false);
  });

  await t.step(
    "does not probe while unhealthy: it says why at once",
    async () => {
      let probes = 0;
      const { health: h } = health({
        probe: () => {
          probes++;
          return Promise.resolve();
        },
      });
      h.failed("Redis cannot be reached");
      assert.deepEqual(await h.check(), {
        ok: false,
        reason: "Redis cannot be reached",
      });
      assert.equal(probes, 0);
      await h.close();
    },
  );
});

Deno.test("store health: closing stops the probes, and health says closed", async () => {
  let probes = 0;
  const { health: h, log } = health({
    retryMs: 10,
    probe: () => {
      probes++;
      return Promise.reject(new Error("down"));
    },
  });
  h.failed("down");
  assert.equal(h.armed, true);
  await h.close();
  assert.equal(h.armed, false);
  assert.deepEqual(h.report(), { ok: false, reason: "the store is closed" });
  h.failed("after close");
  h.succeeded(h.begin());
  assert.equal(h.armed, false);
  assert.deepEqual(log, ["test store: down"]);
  assert.equal(probes, 0);
});

Deno.test("store health: an error is described in one line", () => {
  assert.equal(
    describeFault(new Error("disk I/O error\n   at commit")),
    "disk I/O error at commit",
  );
  assert.equal(describeFault("plain"), "plain");
  assert.equal(describeFault(new Error("")), "Error");
});
