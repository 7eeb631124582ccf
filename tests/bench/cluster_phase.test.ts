import assert from "node:assert/strict";
import { clusterSpec, loopbackHosts } from "../../bench/main.ts";
import { processTree, readTreeRssKiB } from "../../bench/proc_stats.ts";

Deno.test("the cluster phase spreads its connections over loopback addresses", async (t) => {
  await t.step("no address gets more than 20,000 of the connections", () => {
    for (const n of [200, 20_000, 40_000, 100_000]) {
      const hosts = loopbackHosts(n);
      assert.ok(n / hosts.length <= 20_000, `${n} over ${hosts.length}`);
    }
  });

  await t.step("every address is a distinct one in 127.0.0.0/8", () => {
    const hosts = loopbackHosts(40_000);
    assert.deepEqual(hosts, ["127.0.0.1", "127.0.0.2", "127.0.0.3"]);
  });

  await t.step("the cluster listens on every address, on Redis", () => {
    const spec = clusterSpec("redis://127.0.0.1:1");
    assert.equal(spec.entry, "cluster.ts");
    assert.equal(spec.env.HOSTNAME, "0.0.0.0");
    assert.equal(spec.env.STATUS_STORE, "redis");
    assert.equal(spec.env.REDIS_URL, "redis://127.0.0.1:1");
  });
});

Deno.test("a process's memory counts the processes it started", async () => {
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
    const own = Number(
      /^VmRSS:\s+(\d+)/m.exec(
        Deno.readTextFileSync(`/proc/${parent.pid}/status`),
      )![1],
    );
    assert.ok((readTreeRssKiB(parent.pid) ?? 0) > own);
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
