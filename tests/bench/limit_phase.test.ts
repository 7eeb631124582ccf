import assert from "node:assert/strict";
import { CLUSTER_LIMIT_FILES, limitSpecs } from "../../bench/main.ts";
import { parseCli } from "../../bench/cli.ts";
import type { FanoutResult } from "../../bench/fanout.ts";
import { heldTheLine } from "../../bench/report.ts";

Deno.test("the limit phases run each way to start the app, on every loopback address", async (t) => {
  await t.step("limits stands for the three of them", () => {
    const config = parseCli(["--phases", "limits", "--limit-polls", "30000"]);
    assert.ok(config !== "help");
    assert.deepEqual(config.phases, [
      "limit-start",
      "limit-parallel",
      "limit-cluster",
    ]);
    assert.equal(config.limitPolls, 30_000);
  });

  await t.step(
    "start, parallel workers with --unstable-net, and the cluster under its own limit",
    () => {
      const specs = limitSpecs(
        ["limit-start", "limit-parallel", "limit-cluster"],
        "redis://127.0.0.1:1",
      );
      assert.deepEqual(specs.map((s) => s.entry), [
        "main.ts",
        "serve.ts",
        "cluster.ts",
      ]);
      assert.ok(specs.every((s) => s.env.HOSTNAME === "0.0.0.0"));
      assert.deepEqual(specs[1].flags, ["--unstable-net"]);
      assert.equal(specs[1].env.STATUS_STORE, "kv");
      assert.equal(specs[2].env.STATUS_STORE, "redis");
      assert.equal(specs[2].openFileLimit, CLUSTER_LIMIT_FILES);
    },
  );

  await t.step("no cluster without Redis", () => {
    assert.deepEqual(limitSpecs(["limit-cluster"], null), []);
  });
});

Deno.test("a flood past the limit holds the line only if every client got the update or a 503", async (t) => {
  const base = {
    n: 100,
    gotUpdate: 80,
    rejected503: 20,
    retryAfter: 20,
    errors: {},
    unanswered: 0,
    otherAnswers: {},
    serverAlive: true,
    answersAfter: true,
  } as unknown as FanoutResult;
  await t.step("held polls updated, the rest 503 with Retry-After", () => {
    assert.equal(heldTheLine(base), true);
  });
  for (
    const [what, change] of [
      ["the server died", { serverAlive: false }],
      ["it does not answer afterwards", { answersAfter: false }],
      ["a connection failed", { gotUpdate: 79, errors: { reset: 1 } }],
      ["a 503 without Retry-After", { retryAfter: 19 }],
      ["the limit was never reached", {
        gotUpdate: 100,
        rejected503: 0,
        retryAfter: 0,
      }],
    ] as const
  ) {
    await t.step(`not when ${what}`, () => {
      assert.equal(heldTheLine({ ...base, ...change } as FanoutResult), false);
    });
  }
});
