import assert from "node:assert/strict";
import {
  clusterDeadlines,
  clusterLoadWorkers,
  clusterProcesses,
  clusterSpec,
  loopbackHosts,
} from "../../bench/main.ts";
import { processMemory } from "../../bench/fanout.ts";
import {
  descendantNamed,
  portCount,
  processTree,
  readTreeRssKiB,
} from "../../bench/proc_stats.ts";
import { clusterLabel } from "../../bench/report.ts";
import { CONNECTION_TIMEOUT_CEILING_MS } from "../../lib/app/config.ts";

Deno.test("the cluster phase grows with the polls it holds", async (t) => {
  await t.step("no app process is given more than 16,000 polls", () => {
    for (const n of [200, 20_000, 48_000, 48_001, 100_000, 250_000]) {
      assert.ok(n / clusterProcesses(n, 2) <= 16_000, `${n}`);
    }
    assert.equal(clusterProcesses(100_000, 2), 7);
    assert.equal(clusterProcesses(48_001, 2), 4);
  });

  await t.step(
    "it runs start:cluster's default at least: one process per core, never fewer than 2",
    () => {
      assert.equal(clusterProcesses(10_000, 2), 2);
      assert.equal(clusterProcesses(32_000, 2), 2);
      assert.equal(clusterProcesses(32_001, 2), 3);
      assert.equal(clusterProcesses(10_000, 8), 8);
      assert.equal(clusterProcesses(200, 1), 2);
    },
  );

  await t.step("no load process opens more than 15,000 sockets", () => {
    for (const n of [200, 40_000, 60_001, 100_000]) {
      assert.ok(n / clusterLoadWorkers(n, 4) <= 15_000, `${n}`);
    }
    assert.equal(clusterLoadWorkers(100_000, 4), 7);
    assert.equal(clusterLoadWorkers(100_000, 1), 7);
  });

  await t.step("--workers only adds load processes", () => {
    assert.equal(clusterLoadWorkers(20_000, 4), 4);
    assert.equal(clusterLoadWorkers(100_000, 10), 10);
  });

  await t.step(
    "its deadlines grow with the polls, never below the fixed ones",
    () => {
      const small = clusterDeadlines(20_000, 20_000);
      const large = clusterDeadlines(100_000, 20_000);
      assert.deepEqual(small, {
        openTimeoutMs: 300_000,
        headerTimeoutMs: 360_000,
        settleTimeoutMs: 15_000,
        answerTimeoutMs: 60_000,
      });
      assert.ok(large.openTimeoutMs > small.openTimeoutMs);
      assert.ok(large.settleTimeoutMs > small.settleTimeoutMs);
      assert.ok(large.answerTimeoutMs > small.answerTimeoutMs);
      assert.equal(clusterDeadlines(200, 90_000).answerTimeoutMs, 90_000);
    },
  );

  await t.step(
    "the app waits for a poll longer than the opening takes, up to the 10 minutes it allows",
    () => {
      for (const n of [20_000, 100_000]) {
        const { headerTimeoutMs, openTimeoutMs } = clusterDeadlines(n, 20_000);
        assert.ok(headerTimeoutMs > openTimeoutMs, `${n}`);
      }
      assert.equal(
        clusterDeadlines(1_000_000, 20_000).headerTimeoutMs,
        CONNECTION_TIMEOUT_CEILING_MS,
      );
      const spec = clusterSpec("redis://127.0.0.1:1", 7, 560_000);
      assert.equal(spec.env.HEADER_TIMEOUT_MS, "560000");
      assert.equal(
        clusterSpec("redis://127.0.0.1:1", 3).env.HEADER_TIMEOUT_MS,
        undefined,
      );
    },
  );

  await t.step(
    "the cluster runs that many processes and its label says so",
    () => {
      const spec = clusterSpec("redis://127.0.0.1:1", 7);
      assert.equal(spec.env.CLUSTER_PROCESSES, "7");
      assert.equal(spec.name, clusterLabel(7));
      assert.match(clusterLabel(7), /\b7 processes\b/);
      assert.notEqual(clusterLabel(3), clusterLabel(7));
    },
  );
});

Deno.test("the cluster phase spreads its connections over loopback addresses", async (t) => {
  await t.step("no address gets more than 20,000 of the connections", () => {
    for (const n of [200, 20_000, 40_000, 100_000]) {
      const hosts = loopbackHosts(n);
      assert.ok(n / hosts.length <= 20_000, `${n} over ${hosts.length}`);
    }
  });

  await t.step(
    "no address gets more connections than the kernel has source ports",
    () => {
      const ports = portCount("32768\t60999\n");
      assert.equal(ports, 28_232);
      const hosts = loopbackHosts(100_000);
      assert.ok(100_000 / hosts.length <= ports!);
    },
  );

  await t.step("an unreadable port range counts as unknown", () => {
    assert.equal(portCount(""), null);
    assert.equal(portCount("60999 32768"), null);
  });

  await t.step("every address is a distinct one in 127.0.0.0/8", () => {
    const hosts = loopbackHosts(40_000);
    assert.deepEqual(hosts, ["127.0.0.1", "127.0.0.2", "127.0.0.3"]);
  });

  await t.step("the cluster listens on every address, on Redis", () => {
    const spec = clusterSpec("redis://127.0.0.1:1", 3);
    assert.equal(spec.entry, "cluster.ts");
    assert.equal(spec.env.HOSTNAME, "0.0.0.0");
    assert.equal(spec.env.STATUS_STORE, "redis");
    assert.equal(spec.env.REDIS_URL, "redis://127.0.0.1:1");
  });
});

Deno.test("each process's memory is paired idle and held by pid", () => {
  const memory = processMemory(
    [{ pid: 1, kib: 100 }, { pid: 2, kib: 50 }],
    [{ pid: 2, kib: 80 }, { pid: 1, kib: 120 }, { pid: 3, kib: 40 }],
  );
  assert.deepEqual(memory, [
    { pid: 1, idleKiB: 100, heldKiB: 120 },
    { pid: 2, idleKiB: 50, heldKiB: 80 },
    { pid: 3, idleKiB: null, heldKiB: 40 },
  ]);
});

Deno.test("a process's memory counts the processes it started", async (t) => {
  // An idle shell with one child: its own memory does not move under the test.
  const parent = new Deno.Command("bash", {
    args: ["-c", "sleep 30 & wait"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const deadline = Date.now() + 5_000;
    while (processTree(parent.pid).length < 2) {
      assert.ok(Date.now() < deadline, "the shell never started its child");
      await new Promise((r) => setTimeout(r, 20));
    }
    await t.step("the tree's memory is more than the parent's own", () => {
      const own = Number(
        /^VmRSS:\s+(\d+)/m.exec(
          Deno.readTextFileSync(`/proc/${parent.pid}/status`),
        )![1],
      );
      assert.ok((readTreeRssKiB(parent.pid) ?? 0) > own);
    });
    await t.step("a started process is found by its name", () => {
      assert.equal(
        descendantNamed(parent.pid, "sleep"),
        processTree(parent.pid)[1],
      );
      assert.equal(descendantNamed(parent.pid, "no-such-program"), null);
    });
  } finally {
    for (const pid of processTree(parent.pid).reverse()) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await parent.status;
  }
});
