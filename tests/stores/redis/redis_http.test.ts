/**
 * The Redis store through the real server: several processes on one Redis,
 * Redis lost and back while polls are held, Redis unreachable at start, and
 * the cluster of processes on one port.
 */
import assert from "node:assert/strict";
import { createClient } from "@redis/client";
import { redisLayout } from "../../../lib/stores/redis/redis_scripts.ts";
import type { PollAnswer, TaskState } from "../../../lib/domain/task_state.ts";
import { type Status, STATUSES } from "../../../lib/domain/statuses.ts";
import { type RedisServer, withRedis } from "../../support/redis.ts";
import {
  type AppProcess,
  runAppToExit,
  startApp,
  waitFor,
} from "../../support/server.ts";
import { fetchVia, fresh, metric, postStatus } from "../../support/http.ts";

const JSON_HEADERS = { "content-type": "application/json" };

function redisEnv(redis: RedisServer): Record<string, string> {
  return { STATUS_STORE: "redis", REDIS_URL: redis.url };
}

/** True while the process has not exited. */
function alive(app: AppProcess): () => boolean {
  let exited = false;
  app.child.status.then(() => exited = true);
  return () => !exited;
}

/** A held poll's answer and when it came. */
interface Answer {
  code: number;
  body: PollAnswer;
}

/** Sends `count` polls at `state`, spread over `urls` and 25 clients; they are held until answered. */
function holdPolls(
  urls: string[],
  state: TaskState,
  count: number,
  clients: Deno.HttpClient[],
): Promise<Answer[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const response = await fetchVia(
      clients[i % clients.length],
      `${
        urls[i % urls.length]
      }/poll-status?last_version=${state.version}&epoch=${state.epoch}`,
    );
    return { code: response.status, body: await response.json() };
  }));
}

/** 25 HTTP clients, each with its own connections; close them with `closeAll`. */
function manyClients(): Deno.HttpClient[] {
  return Array.from({ length: 25 }, () => Deno.createHttpClient({}));
}

function closeAll(clients: Deno.HttpClient[]): void {
  for (const client of clients) client.close();
}

/** Checks that every answer is the change to `next` right after `state`. */
function assertWokenBy(
  answers: Answer[],
  state: TaskState,
  next: Status,
): void {
  for (const { code, body } of answers) {
    assert.equal(code, 200);
    assert.equal(body.timeout, undefined, "a held poll was not woken");
    assert.equal(body.epoch, state.epoch);
    assert.equal(body.version, state.version + 1);
    assert.deepEqual(
      body.changes?.map((c) => [c.version, c.status]),
      [[state.version + 1, next]],
    );
  }
}

function otherStatus(state: TaskState): Status {
  return state.status === "En cours" ? "Terminée" : "En cours";
}

Deno.test("redis store over HTTP: two processes wake each other's polls", async (t) => {
  await withRedis(async (redis) => {
    const env = { ...redisEnv(redis), POLL_TIMEOUT_MS: "20000" };
    const [a, b] = await Promise.all([startApp({ env }), startApp({ env })]);
    const clients = manyClients();
    try {
      for (
        const [holder, sender, name] of [[a, b, "A to B"], [
          b,
          a,
          "B to A",
        ]] as const
      ) {
        await t.step(
          `200 polls held on one process are all woken by an update sent to the other (${name})`,
          async () => {
            const state = (await fresh<TaskState>(`${sender.url}/get-status`))
              .body;
            const answers = holdPolls([holder.url], state, 200, clients);
            await waitFor(
              async () => await metric(holder.url, "status_waiters") === 200,
              10_000,
              "200 polls to be held",
            );
            const next = otherStatus(state);
            const sentAt = performance.now();
            const response = await postStatus(sender.url, { status: next });
            assert.equal(response.status, 200);
            await response.body?.cancel();
            assertWokenBy(await answers, state, next);
            console.log(
              `200 polls woken across processes in ${
                (performance.now() - sentAt).toFixed(0)
              } ms`,
            );
          },
        );
      }
    } finally {
      closeAll(clients);
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

Deno.test("redis store over HTTP: 200 concurrent updates over three processes get contiguous, distinct versions", async () => {
  await withRedis(async (redis) => {
    const env = redisEnv(redis);
    const apps = await Promise.all([
      startApp({ env }),
      startApp({ env }),
      startApp({ env }),
    ]);
    const clients = Array.from({ length: 30 }, () => Deno.createHttpClient({}));
    // Every state the processes publish, in the order Redis delivers them.
    const published: TaskState[] = [];
    const listener = createClient({ url: redis.url });
    try {
      await listener.connect();
      await listener.subscribe(
        redisLayout("status:").channel,
        (message: string) => published.push(JSON.parse(message)),
      );
      const requests = Array.from({ length: 200 }, (_, i) => ({
        status: STATUSES[i % STATUSES.length],
        // One in five is a compare-and-set with a guess that is mostly stale.
        expected_version: i % 5 === 0 ? Math.floor(i / 3) : undefined,
      }));
      const answers = await Promise.all(requests.map(async (body, i) => {
        const response = await postStatus(
          apps[i % apps.length].url,
          body,
          clients[i % clients.length],
        );
        return {
          code: response.status,
          body: await response.json(),
          sent: body,
        };
      }));

      assert.deepEqual(
        new Set(answers.map((x) => x.code)),
        new Set([200, 409]),
      );
      const changed = answers.filter((x) =>
        x.code === 200 && x.body.message === "Statut mis à jour avec succès"
      );
      const versions = changed.map((x) => x.body.version as number).sort((
        x,
        y,
      ) => x - y);
      assert.deepEqual(
        versions,
        versions.map((_, i) => i + 1),
        "contiguous and distinct",
      );
      const last = versions.length;
      assert.ok(last > 100, `only ${last} changes`);
      const conflicts = answers.filter((x) => x.code === 409);
      assert.ok(
        conflicts.length > 0,
        "some compare-and-set requests conflicted",
      );
      for (const conflict of conflicts) {
        assert.notEqual(conflict.body.version, conflict.sent.expected_version);
      }

      // Published once each, in version order, with the status each update answered.
      await waitFor(
        () => published.length >= last,
        5_000,
        "every change to be published",
      );
      assert.deepEqual(
        published.map((state) => state.version),
        versions,
      );
      const statusOf = new Map(published.map((s) => [s.version, s.status]));
      for (const answer of changed) {
        assert.equal(answer.body.status, answer.sent.status);
        assert.equal(statusOf.get(answer.body.version), answer.body.status);
      }

      // Every process ends on the last version and serves the same kept
      // history: the last 100 changes, as published.
      const { epoch } = published[0];
      const kept = published.slice(-100).map((s) => [s.version, s.status]);
      for (const app of apps) {
        await waitFor(
          async () =>
            (await fresh<TaskState>(`${app.url}/get-status`)).body.version ===
              last,
          5_000,
          "every process to reach the last version",
        );
        const behind = (await fresh<PollAnswer>(
          `${app.url}/poll-status?last_version=${last - 100}&epoch=${epoch}`,
        )).body;
        assert.equal(behind.truncated, undefined);
        assert.deepEqual(
          behind.changes?.map((c) => [c.version, c.status]),
          kept,
        );
      }
    } finally {
      await listener.close();
      closeAll(clients);
      await Promise.all(apps.map((app) => app.stop()));
    }
  });
});

Deno.test("redis store over HTTP: Redis stopped and restarted while polls are held", async (t) => {
  await withRedis(async (redis) => {
    const env = { ...redisEnv(redis), POLL_TIMEOUT_MS: "25000" };
    const apps = await Promise.all([startApp({ env }), startApp({ env })]);
    const running = apps.map(alive);
    const clients = manyClients();
    try {
      await postStatus(apps[0].url, { status: "En cours" }).then((r) =>
        r.body?.cancel()
      );
      const before = (await fresh<TaskState>(`${apps[0].url}/get-status`))
        .body;
      await waitFor(
        async () =>
          (await fresh<TaskState>(`${apps[1].url}/get-status`)).body
            .version === before.version,
        5_000,
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
            assert.deepEqual(state, truth);
          }
          assert.ok(running.every((isRunning) => isRunning()));
        },
      );

      await t.step("updates work again and reach both processes", async () => {
        const response = await postStatus(apps[1].url, { status: "Terminée" });
        assert.equal(response.status, 200);
        const updated = await response.json() as TaskState;
        assert.equal(updated.version, 1);
        await waitFor(
          async () =>
            (await fresh<TaskState>(`${apps[0].url}/get-status`)).body
              .version === 1,
          5_000,
          "the other process to see it",
        );
      });
    } finally {
      closeAll(clients);
      await Promise.all(apps.map((app) => app.stop()));
    }
  });
});

Deno.test("redis store over HTTP: Redis unreachable at start stops the server with one line naming REDIS_URL", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `redis://127.0.0.1:${listener.addr.port}`;
  listener.close();
  const started = Date.now();
  const { code, output } = await runAppToExit({
    STATUS_STORE: "redis",
    REDIS_URL: url,
  });
  assert.notEqual(code, 0);
  const lines = output.trim().split("\n");
  assert.equal(lines.length, 1, output);
  assert.ok(
    lines[0].startsWith(`error: REDIS_URL ${url} cannot be reached`),
    output,
  );
  assert.ok(Date.now() - started < 15_000, "gave up in time");
});

/**
 * The polls held by each process of a two-process cluster, once they add up
 * to `total`; undefined before. Each scrape of /metrics on a fresh
 * connection lands on either process: read until two values show up, or the
 * same one every time (an even split).
 */
async function clusterShares(
  url: string,
  total: number,
): Promise<number[] | undefined> {
  const seen = new Set<number>();
  for (let i = 0; i < 32 && seen.size < 2; i++) {
    seen.add(await metric(url, "status_waiters"));
  }
  const values = [...seen];
  if (values.length === 2 && values[0] + values[1] === total) return values;
  if (values.length === 1 && values[0] * 2 === total) {
    return [values[0], values[0]];
  }
  return undefined;
}

Deno.test("redis store over HTTP: the cluster serves from every process on one port", async (t) => {
  await withRedis(async (redis) => {
    const cluster = await startApp({
      entry: "cluster.ts",
      env: {
        ...redisEnv(redis),
        CLUSTER_PROCESSES: "2",
        POLL_TIMEOUT_MS: "20000",
      },
    });
    const clients = manyClients();
    try {
      assert.match(cluster.output(), /\(2 processes, pids \d+, \d+\)/);

      await t.step(
        "polls land on both processes and one update wakes them all",
        async () => {
          const state = (await fresh<TaskState>(`${cluster.url}/get-status`))
            .body;
          const answers = holdPolls([cluster.url], state, 200, clients);
          let shares: number[] | undefined;
          await waitFor(
            async () =>
              (shares = await clusterShares(cluster.url, 200)) !== undefined,
            10_000,
            "200 polls held, by two processes",
          );
          assert.ok(shares?.every((n) => n > 0), `held: ${shares}`);
          const next = otherStatus(state);
          const response = await postStatus(cluster.url, { status: next });
          assert.equal(response.status, 200);
          await response.body?.cancel();
          assertWokenBy(await answers, state, next);
        },
      );

      await t.step(
        "SIGTERM stops every process, answering the polls they hold",
        async () => {
          const state = (await fresh<TaskState>(`${cluster.url}/get-status`))
            .body;
          const answers = holdPolls([cluster.url], state, 20, clients);
          await waitFor(
            async () => await clusterShares(cluster.url, 20) !== undefined,
            10_000,
            "20 polls to be held",
          );
          const status = await cluster.stop("SIGTERM");
          assert.equal(status.code, 0, cluster.output());
          for (const { code, body } of await answers) {
            assert.equal(code, 200);
            assert.equal(body.version, state.version);
            assert.equal(body.timeout, undefined);
          }
          assert.doesNotMatch(cluster.output(), /error:/);
        },
      );
    } finally {
      closeAll(clients);
      await cluster.stop();
    }
  });
});

Deno.test("redis store over HTTP: a cluster whose process dies stops the others and exits with 1", async () => {
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
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const url = `redis://127.0.0.1:${listener.addr.port}`;
    listener.close();
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
