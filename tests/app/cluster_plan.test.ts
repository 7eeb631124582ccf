import assert from "node:assert/strict";
import {
  clusterPlan,
  MAX_CLUSTER_PROCESSES,
} from "../../lib/app/cluster_plan.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("cluster plan: what start:cluster runs, or why it cannot", async (t) => {
  await t.step("redis: one process per core on PORT and HOSTNAME", () => {
    assert.deepEqual(clusterPlan(env({ STATUS_STORE: "redis" }), 2, "linux"), {
      ok: true,
      processes: 2,
      port: 3000,
      hostname: "0.0.0.0",
    });
    assert.deepEqual(
      clusterPlan(
        env({ STATUS_STORE: "redis", PORT: "8080", HOSTNAME: "127.0.0.1" }),
        2,
        "linux",
      ),
      { ok: true, processes: 2, port: 8080, hostname: "127.0.0.1" },
    );
  });

  await t.step("CLUSTER_PROCESSES chooses how many", () => {
    const plan = clusterPlan(
      env({ STATUS_STORE: "redis", CLUSTER_PROCESSES: "5" }),
      2,
      "linux",
    );
    assert.equal(plan.ok && plan.processes, 5);
  });

  await t.step("more cores than the ceiling run the ceiling", () => {
    const plan = clusterPlan(env({ STATUS_STORE: "redis" }), 500, "linux");
    assert.equal(plan.ok && plan.processes, MAX_CLUSTER_PROCESSES);
  });

  const refusals: [string, Record<string, string>, string, RegExp][] = [
    ["the memory store", { STATUS_STORE: "memory" }, "linux", /own status/],
    ["the kv store (the default)", {}, "linux", /once a second/],
    [
      "a CLUSTER_PROCESSES that is not a count",
      { STATUS_STORE: "redis", CLUSTER_PROCESSES: "0" },
      "linux",
      /^CLUSTER_PROCESSES must be an integer from 1 to 64, got "0"$/,
    ],
    [
      "a bad PORT",
      { STATUS_STORE: "redis", PORT: "http" },
      "linux",
      /^PORT must be/,
    ],
    [
      "a bad STATUS_STORE",
      { STATUS_STORE: "postgres" },
      "linux",
      /^STATUS_STORE must be/,
    ],
    [
      "a system without SO_REUSEPORT spreading",
      {
        STATUS_STORE: "redis",
      },
      "darwin",
      /needs Linux/,
    ],
  ];
  for (const [what, vars, os, expected] of refusals) {
    await t.step(`refused: ${what}`, () => {
      const plan = clusterPlan(env(vars), 2, os);
      assert.equal(plan.ok, false);
      if (!plan.ok) assert.match(plan.error, expected);
    });
  }
});
