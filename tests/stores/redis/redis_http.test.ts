/**
 * The Redis store through the real server: the cross-process suite on one
 * Redis, Redis lost and back while polls are held, and the cluster of
 * processes on one port.
 */
import assert from "node:assert/strict";
import { createClient } from "@redis/client";
import { redisLayout } from "../../../lib/stores/redis/redis_scripts.ts";
import type { TaskState } from "../../../lib/domain/task_state.ts";
import {
  needsRedis,
  type RedisServer,
  startRedis,
  withRedis,
} from "../../support/redis.ts";
import {
  type AppProcess,
  runAppToExit,
  startApp,
  waitFor,
} from "../../support/server.ts";
import {
  fresh,
  holdPolls,
  httpClients,
  metric,
  postStatus,
  stopWhileHolding,
  waitForVersion,
  wakeAll,
  workerShares,
} from "../../support/http.ts";
import { crossProcessSuite } from "../cross_process_suite.ts";

const JSON_HEADERS = { "content-type": "application/json" };

function redisEnv(redis: RedisServer): Record<string, string> {
  return { STATUS_STORE: "redis", REDIS_URL: redis.url };
}

/** A redis:// URL on a loopback port where nothing listens. */
function unreachableUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `redis://127.0.0.1:${listener.addr.port}`;
  listener.close();
  return url;
}

crossProcessSuite("redis store", async () => {
  const redis = await startRedis();
  const url = unreachableUrl();
  return {
    env: redisEnv(redis),
    // Every state the processes publish, in the order Redis delivers them.
    async follow() {
      const published: TaskState[] = [];
      const listener = createClient({ url: redis.url });
      await listener.connect();
      await listener.subscribe(
        redisLayout("status:").channel,
        (message: string) => published.push(JSON.parse(message)),
      );
      return {
        async changesUpTo(version) {
          await waitFor(
            () => published.length >= version,
            5_000,
            "every change to be published",
          );
          return published.map((state) => [state.version, state.status]);
        },
        close: () => listener.close(),
      };
    },
    unusable: [{
      what: "a Redis that cannot be reached",
      env: { STATUS_STORE: "redis", REDIS_URL: url },
      says: `error: REDIS_URL ${url} cannot be reached`,
    }],
    dispose: () => redis.stop(),
  };
}, needsRedis.options());

/** True while the process has not exited. */
function alive(app: AppProcess): () => boolean {
  let exited = false;
  app.child.status.then(() => exited = true);
  return () => !exited;
}

needsRedis.test("redis store over HTTP: Redis stopped and restarted while polls are held", async (t) => {
  await withRedis(async (redis) => {
    const env = { ...redisEnv(redis), POLL_TIMEOUT_MS: "25000" };
    const apps = await Promise.all([startApp({ env }), startApp({ env })]);
    const running = apps.map(alive);
    using clients = httpClients(25);
    try {
      await postStatus(apps[0].url, { status: "En cours" }).then((r) =>
        r.body?.cancel()
      );
      const before = (await fresh<TaskState>(`${apps[0].url}/get-status`))
        .body;
      await waitForVersion(
        apps[1].url,
        before.version,
        "both processes to see the update",
      );
      const answers = holdPolls(apps.map((a) => a.url), before, 100, clients);
      const bothHold = async () =>
        await metric(apps[0].url, "status_waiters") === 50 &&
        await metric(apps[1].url, "status_waiters") === 50;
      await waitFor(bothHold, 10_000, "50 polls held on each process");

      await t.step("updates answer 503 and /healthz says so", async () => {
        await redis.stop();
        for (const app of apps) {
          await waitFor(
            async () => (await fresh(`${app.url}/healthz`)).code === 503,
            5_000,
            "/healthz to report the lost store",
          );
          const health = await fresh<{ ok: boolean; store: string }>(
            `${app.url}/healthz`,
          );
          assert.deepEqual(
            { ok: health.body.ok, store: health.body.store },
            { ok: false, store: "redis" },
          );
          const answer = await fresh<{ error: string }>(
            `${app.url}/update-status`,
            {
              method: "POST",
              headers: JSON_HEADERS,
              body: JSON.stringify({ status: "Échec" }),
            },
          );
          assert.equal(answer.code, 503);
          assert.match(answer.body.error, /REDIS_URL redis:\/\/127\.0\.0\.1/);
        }
      });

      await t.step("no process exits and the polls stay held", async () => {
        assert.ok(running.every((isRunning) => isRunning()));
        assert.ok(await bothHold());
        assert.equal(
          (await fresh<TaskState>(`${apps[0].url}/get-status`)).body.version,
          before.version,
        );
      });

      await t.step(
        "after the restart every held poll ends on the true state",
        async () => {
          await redis.restart();
          for (const app of apps) {
            await waitFor(
              async () => (await fresh(`${app.url}/healthz`)).code === 200,
              10_000,
              "/healthz to be back",
            );
          }
          const truth = (await fresh<TaskState>(`${apps[0].url}/get-status`))
            .body;
          // The restarted Redis kept nothing: a new sequence at version 0.
          assert.notEqual(truth.epoch, before.epoch);
          assert.equal(truth.version, 0);
          assert.deepEqual(
            (await fresh<TaskState>(`${apps[1].url}/get-status`)).body,
            truth,
          );
          for (const { code, body } of await answers) {
            assert.equal(code, 200);
            assert.equal(body.reset, true);
            const { reset: _, ...state } = body;
            // Poll answers carry no `task`; get-status does.
            const { task: __, ...truthState } = truth as TaskState & {
              task?: unknown;
            };
            assert.deepEqual(state, truthState);
          }
          assert.ok(running.every((isRunning) => isRunning()));
        },
      );

      await t.step("updates work again and reach both processes", async () => {
        const response = await postStatus(apps[1].url, { status: "Terminée" });
        assert.equal(response.status, 200);
        const updated = await response.json() as TaskState;
        assert.equal(updated.version, 1);
        await waitForVersion(apps[0].url, 1, "the other process to see it");
      });
    } finally {
      await Promise.all(apps.map((app) => app.stop()));
    }
  });
});

needsRedis.test("redis store over HTTP: the cluster serves from every process on one port", async (t) => {
  await withRedis(async (redis) => {
    const cluster = await startApp({
      entry: "cluster.ts",
      env: {
        ...redisEnv(redis),
        CLUSTER_PROCESSES: "2",
        POLL_TIMEOUT_MS: "20000",
      },
    });
    try {
      assert.match(cluster.output(), /\(2 processes, pids \d+, \d+\)/);

      await t.step(
        "polls land on both processes and one update wakes them all",
        async () => {
          let shares: [number, number] | undefined;
          await wakeAll(
            [cluster.url],
            cluster.url,
            200,
            async () =>
              (shares = await workerShares(
                cluster.url,
                "status_waiters",
                200,
              )) !== undefined,
          );
          assert.ok(shares?.every((n) => n > 0), `held: ${shares}`);
        },
      );

      await t.step(
        "SIGTERM stops every process, answering the polls they hold",
        async () => {
          const status = await stopWhileHolding(
            cluster.url,
            20,
            () => cluster.stop("SIGTERM"),
          );
          assert.equal(status.code, 0, cluster.output());
          assert.doesNotMatch(cluster.output(), /error:/);
        },
      );
    } finally {
      await cluster.stop();
    }
  });
});

needsRedis.test("redis store over HTTP: a cluster whose process dies stops the others and exits with 1", async () => {
  await withRedis(async (redis) => {
    const cluster = await startApp({
      entry: "cluster.ts",
      env: { ...redisEnv(redis), CLUSTER_PROCESSES: "2" },
    });
    try {
      const pids = cluster.output().match(/pids (\d+), (\d+)\)/);
      assert.ok(pids, cluster.output());
      const [victim, survivor] = [Number(pids[1]), Number(pids[2])];
      Deno.kill(victim, "SIGKILL");
      const status = await cluster.stop("SIGCONT");
      assert.equal(status.code, 1);
      assert.match(
        cluster.output(),
        /error: process 1 exited with code \d+; stopping the cluster/,
      );
      // The survivor was stopped too: signalling it now fails.
      assert.throws(() => Deno.kill(survivor, "SIGCONT"), Deno.errors.NotFound);
    } finally {
      await cluster.stop();
    }
  });
});

Deno.test("redis store over HTTP: the cluster refuses what it cannot run, in one line", async (t) => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ["the memory store", { STATUS_STORE: "memory" }, /STATUS_STORE=memory/],
    ["the kv store", { STATUS_STORE: "kv" }, /STATUS_STORE=kv/],
    [
      "a bad CLUSTER_PROCESSES",
      { STATUS_STORE: "redis", CLUSTER_PROCESSES: "lots" },
      /CLUSTER_PROCESSES/,
    ],
  ];
  for (const [what, env, expected] of cases) {
    await t.step(what, async () => {
      const { code, output } = await runAppToExit(env, "cluster.ts");
      assert.equal(code, 1);
      const lines = output.trim().split("\n");
      assert.equal(lines.length, 1, output);
      assert.match(lines[0], /^error: /);
      assert.match(lines[0], expected);
    });
  }

  await t.step("an unreachable Redis", async () => {
    const url = unreachableUrl();
    const { code, output } = await runAppToExit({
      STATUS_STORE: "redis",
      REDIS_URL: url,
      CLUSTER_PROCESSES: "2",
    }, "cluster.ts");
    assert.notEqual(code, 0);
    const lines = output.trim().split("\n");
    assert.equal(lines.length, 1, output);
    assert.ok(lines[0].includes(`error: REDIS_URL ${url} cannot be reached`));
  });
});
