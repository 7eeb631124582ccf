/**
 * A frozen Redis (SIGSTOP: connections stay open, nothing is answered):
 * updates answer 503 within the deadline instead of hanging, health says
 * so even with no update, and an update answered 503 is not applied when
 * Redis resumes.
 */
import assert from "node:assert/strict";
import { createClient } from "@redis/client";
import {
  READ_SCRIPT,
  redisLayout,
  UPDATE_SCRIPT,
} from "../../../lib/stores/redis/redis_scripts.ts";
import {
  parseLateReply,
  parseUpdateReply,
} from "../../../lib/stores/redis/redis_record.ts";
import {
  lateMarginMs,
  openRedisStore,
  scriptDeadline,
} from "../../../lib/stores/redis/redis_store.ts";
import { StoreUnavailableError } from "../../../lib/stores/status_store.ts";
import type { TaskState } from "../../../lib/domain/task_state.ts";
import { type RedisServer, withRedis } from "../../support/redis.ts";
import { needs, REDIS_SERVER } from "../../support/requirements.ts";
import { startApp, waitFor } from "../../support/server.ts";
import { fresh, postStatus } from "../../support/http.ts";
import { bounded } from "../bounded.ts";

const LAYOUT = redisLayout("status:");

/** Runs `fn` with `redis` frozen, letting it run again afterwards whatever happens. */
async function frozen<T>(redis: RedisServer, fn: () => Promise<T>): Promise<T> {
  redis.freeze();
  try {
    return await fn();
  } finally {
    redis.thaw();
  }
}

/** A plain connection to act behind the stores' backs. */
async function withCommand<T>(
  redis: RedisServer,
  fn: (command: (args: string[]) => Promise<unknown>) => Promise<T>,
): Promise<T> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    return await fn((args) => client.sendCommand(args));
  } finally {
    await client.close();
  }
}

Deno.test(
  "redis store: the update script refuses an update that reaches it after its deadline",
  needs(REDIS_SERVER),
  async (t) => {
    await withRedis((redis) =>
      withCommand(redis, async (command) => {
        const update = (status: string, deadline?: number) =>
          command([
            "EVAL",
            UPDATE_SCRIPT,
            "2",
            LAYOUT.state,
            LAYOUT.history,
            crypto.randomUUID(),
            new Date().toISOString(),
            "En attente",
            LAYOUT.channel,
            status,
            "",
            "100",
            ...(deadline === undefined ? [] : [String(deadline)]),
          ]);
        await command([
          "EVAL",
          READ_SCRIPT,
          "2",
          LAYOUT.state,
          LAYOUT.history,
          "first",
          new Date().toISOString(),
          "En attente",
          LAYOUT.channel,
        ]);

        await t.step("past its deadline: nothing is written", async () => {
          const before = Date.now();
          const reply = await update("En cours", before - 60_000);
          const refusedAt = parseLateReply(reply);
          assert.ok(refusedAt !== undefined, `not refused: ${reply}`);
          assert.ok(Math.abs(refusedAt - before) < 60_000, "Redis' time in ms");
          assert.equal(parseUpdateReply(reply), undefined);
          assert.equal(await command(["HGET", LAYOUT.state, "version"]), "0");
          assert.equal(await command(["LLEN", LAYOUT.history]), 0);
        });

        await t.step(
          "before its deadline, or without one: applied",
          async () => {
            const inTime = parseUpdateReply(
              await update("En cours", Date.now() + 60_000),
            );
            assert.equal(inTime?.kind, "changed");
            assert.equal(inTime?.state.version, 1);
            const without = parseUpdateReply(await update("Terminée"));
            assert.equal(without?.state.version, 2);
          },
        );
      })
    );
  },
);

Deno.test("redis store: the script's deadline leaves a margin before the caller gives up", () => {
  assert.equal(scriptDeadline(10_000, 5_000), 14_000);
  assert.equal(lateMarginMs(5_000), 1_000);
  assert.equal(lateMarginMs(400), 200);
  assert.equal(scriptDeadline(10_000, 400), 10_200);
});

Deno.test("redis store: a frozen Redis", needs(REDIS_SERVER), async (t) => {
  await withRedis(async (redis) => {
    const log: string[] = [];
    const store = await openRedisStore(redis.url, {
      timeoutMs: 500,
      retryMs: 50,
      log: (line) => log.push(line),
    });
    try {
      await store.update("default", { status: "En cours" });
      assert.deepEqual(await store.checkHealth(), { ok: true });

      await frozen(redis, async () => {
        await t.step(
          "an idle store finds out at a health check, within the deadline",
          async () => {
            await waitFor(
              async () => !(await store.checkHealth()).ok,
              5_000,
              "a health check to see the freeze",
            );
            assert.equal(store.healthy(), false);
          },
        );

        await t.step(
          "an update answers unavailable within the deadline",
          async () => {
            const started = performance.now();
            await assert.rejects(
              () =>
                bounded(
                  store.update("default", { status: "Terminée" }),
                  5_000,
                  "the update",
                ),
              (error: unknown) =>
                error instanceof StoreUnavailableError &&
                error.message ===
                  `REDIS_URL ${redis.url} did not answer within 500 ms`,
            );
            const took = performance.now() - started;
            assert.ok(took >= 450 && took < 2_000, `answered after ${took} ms`);
            const report = await store.checkHealth();
            assert.equal(report.ok, false);
          },
        );
      });

      await t.step(
        "once Redis runs again, the update answered 503 is not applied",
        async () => {
          // Commands run in order: the refused one ran before this one.
          const next = await bounded(
            store.update("default", { status: "Échec" }),
            5_000,
            "the update after the thaw",
          );
          assert.equal(next.state.version, 2);
          assert.deepEqual(store.hub.history.map((c) => c.status), [
            "En cours",
            "Échec",
          ]);
          await withCommand(redis, async (command) => {
            assert.equal(await command(["HGET", LAYOUT.state, "version"]), "2");
          });
          assert.ok(
            !log.some((line) => /stored after all/.test(line)),
            log.join("\n"),
          );
        },
      );

      await t.step("health is back once a write succeeded", async () => {
        await waitFor(() => store.healthy(), 5_000, "health to be back");
        assert.deepEqual(await store.checkHealth(), { ok: true });
      });
    } finally {
      redis.thaw();
      await store.close();
    }
  });
});

Deno.test(
  "redis store over HTTP: a frozen Redis",
  needs(REDIS_SERVER),
  async (t) => {
    await withRedis(async (redis) => {
      const app = await startApp({
        env: {
          STATUS_STORE: "redis",
          REDIS_URL: redis.url,
          STORE_TIMEOUT_MS: "1000",
        },
      });
      try {
        const first = await postStatus(app.url, { status: "En cours" });
        assert.equal(first.status, 200);
        const before = (await first.json()) as TaskState;

        await frozen(redis, async () => {
          await t.step(
            "/healthz turns 503 with no update, each answer within the deadline",
            async () => {
              await waitFor(
                async () => {
                  const started = performance.now();
                  const { code } = await fresh(`${app.url}/healthz`);
                  const took = performance.now() - started;
                  assert.ok(took < 3_000, `/healthz took ${took} ms`);
                  return code === 503;
                },
                10_000,
                "/healthz to see the freeze",
              );
            },
          );

          await t.step(
            "an update answers 503 within the deadline",
            async () => {
              const started = performance.now();
              const response = await bounded(
                postStatus(app.url, { status: "Terminée" }),
                10_000,
                "the update",
              );
              const took = performance.now() - started;
              assert.equal(response.status, 503);
              assert.equal(response.headers.get("retry-after"), "1");
              assert.match(
                (await response.json()).error,
                /did not answer within 1000 ms/,
              );
              assert.ok(took < 3_000, `answered after ${took} ms`);
            },
          );

          await t.step("/healthz stays 503 and says why", async () => {
            const health = await fresh<{ ok: boolean; error: string }>(
              `${app.url}/healthz`,
            );
            assert.equal(health.code, 503);
            assert.match(
              health.body.error,
              /^the redis store cannot take updates: /,
            );
          });
        });

        await t.step(
          "once Redis runs again, the update answered 503 is not applied",
          async () => {
            const next = await bounded(
              postStatus(app.url, { status: "Échec" }),
              10_000,
              "the update after the thaw",
            );
            assert.equal(next.status, 200);
            const after = (await next.json()) as TaskState;
            assert.equal(after.version, before.version + 1);
            const now = await fresh<{ changes?: { status: string }[] }>(
              `${app.url}/poll-status?last_version=0&epoch=${before.epoch}`,
            );
            assert.deepEqual(now.body.changes?.map((c) => c.status), [
              "En cours",
              "Échec",
            ]);
          },
        );

        await t.step("/healthz is 200 again after a write", async () => {
          await waitFor(
            async () => (await fresh(`${app.url}/healthz`)).code === 200,
            10_000,
            "/healthz to be back",
          );
        });
      } finally {
        redis.thaw();
        await app.stop();
      }
    });
  },
);
