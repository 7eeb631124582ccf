import assert from "node:assert/strict";
import { createClient } from "@redis/client";
import { StoreOpenError } from "../../../lib/stores/status_store.ts";
import {
  describeRedisUrl,
  intake,
  parseAnnouncement,
  parseSnapshot,
  parseUpdateReply,
} from "../../../lib/stores/redis/redis_record.ts";
import {
  READ_SCRIPT,
  redisLayout,
  UPDATE_SCRIPT,
} from "../../../lib/stores/redis/redis_scripts.ts";
import {
  openRedisStore,
  type RedisStore,
  type RedisStoreOptions,
} from "../../../lib/stores/redis/redis_store.ts";
import type { TaskState } from "../../../lib/domain/task_state.ts";
import { type Status, STATUSES } from "../../../lib/domain/statuses.ts";
import { StoreUnavailableError } from "../../../lib/stores/status_store.ts";
import { transition } from "../../../lib/domain/update_rule.ts";
import {
  assertAnnouncedOnceAcross,
  assertWokenBy,
  storeSuite,
} from "../store_suite.ts";
import { taskSuite } from "../task_suite.ts";
import {
  needsRedis,
  type RedisServer,
  startRedis,
  withRedis,
} from "../../support/redis.ts";
import { waitFor } from "../../support/server.ts";

const LAYOUT = redisLayout("status:");

storeSuite("redis store", async () => {
  const redis = await startRedis();
  try {
    const store = await openRedisStore(redis.url);
    return {
      store,
      async dispose() {
        try {
          await store.close();
        } finally {
          await redis.stop();
        }
      },
    };
  } catch (error) {
    await redis.stop();
    throw error;
  }
}, needsRedis.options());

taskSuite("redis store", async (options) => {
  const redis = await startRedis();
  try {
    const store = await openRedisStore(redis.url, options);
    return {
      store,
      async dispose() {
        try {
          await store.close();
        } finally {
          await redis.stop();
        }
      },
    };
  } catch (error) {
    await redis.stop();
    throw error;
  }
}, needsRedis.options());

/** Opens stores on `redis`, closed afterwards whatever happens. */
async function withStores<T>(
  redis: RedisServer,
  count: number,
  fn: (stores: RedisStore[]) => Promise<T>,
  options: RedisStoreOptions = {},
): Promise<T> {
  const stores: RedisStore[] = [];
  try {
    for (let i = 0; i < count; i++) {
      stores.push(await openRedisStore(redis.url, options));
    }
    return await fn(stores);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

/** A plain connection for the test to act behind the stores' backs. */
async function withClient<T>(
  redis: RedisServer,
  fn: (command: (args: string[]) => Promise<unknown>) => Promise<T>,
  url = redis.url,
): Promise<T> {
  const client = createClient({ url });
  await client.connect();
  try {
    return await fn((args) => client.sendCommand(args));
  } finally {
    await client.close();
  }
}

/** The update script's arguments, as another writer would send them. */
function updateArgs(
  status: Status,
  options: { expected?: number; channel?: string } = {},
): string[] {
  return [
    "EVAL",
    UPDATE_SCRIPT,
    "2",
    LAYOUT.state,
    LAYOUT.history,
    crypto.randomUUID(),
    new Date().toISOString(),
    "En attente",
    options.channel ?? LAYOUT.channel,
    status,
    options.expected === undefined ? "" : String(options.expected),
    "100",
  ];
}

/** A status other than the current one. */
function other(state: TaskState): Status {
  return state.status === "En cours" ? "Terminée" : "En cours";
}

Deno.test("redis store: replies and messages are read back only when they are states", async (t) => {
  const at = "2026-01-01T00:00:00.000Z";
  const change = (version: number, status: string) =>
    JSON.stringify({ version, status, at, source: "api" as const });
  await t.step("a read reply: the state and its contiguous history", () => {
    assert.deepEqual(
      parseSnapshot([
        "Échec",
        "7",
        "e",
        at,
        [change(6, "En cours"), change(7, "Échec")],
      ]),
      {
        state: { status: "Échec", version: 7, epoch: "e", updatedAt: at },
        history: [
          { version: 6, status: "En cours", at, source: "api" as const },
          { version: 7, status: "Échec", at, source: "api" as const },
        ],
      },
    );
  });
  const badReads: [string, unknown][] = [
    ["not an array", "hello"],
    ["a version that is not decimal text", ["Échec", "7.5", "e", at, []]],
    ["a missing field", ["Échec", "7", null, at, []]],
    ["an unknown status", ["Done", "7", "e", at, []]],
    ["a gap in the history", ["Échec", "7", "e", at, [change(5, "Échec")]]],
    ["a history entry that is not JSON", ["Échec", "7", "e", at, ["{"]]],
  ];
  for (const [what, reply] of badReads) {
    await t.step(
      `not a read reply with ${what}`,
      () => assert.equal(parseSnapshot(reply), undefined),
    );
  }
  await t.step("an update reply: what it did and the state after", () => {
    for (const kind of ["changed", "unchanged", "conflict"] as const) {
      assert.deepEqual(parseUpdateReply([kind, "En cours", "3", "e", at]), {
        kind,
        state: { status: "En cours", version: 3, epoch: "e", updatedAt: at },
      });
    }
    assert.equal(
      parseUpdateReply(["done", "En cours", "3", "e", at]),
      undefined,
    );
  });
  await t.step("a message: one state as JSON", () => {
    const state = { status: "Terminée", version: 2, epoch: "e", updatedAt: at };
    assert.deepEqual(parseAnnouncement(JSON.stringify(state)), state);
    assert.equal(parseAnnouncement("hello"), undefined);
    assert.equal(
      parseAnnouncement(JSON.stringify({ ...state, version: -1 })),
      undefined,
    );
  });
});

Deno.test("redis store: what a state that arrives means for the one held", async (t) => {
  const at = "2026-01-01T00:00:00.000Z";
  const state = (version: number, epoch = "e"): TaskState => ({
    status: version % 2 ? "En cours" : "Terminée",
    version,
    epoch,
    updatedAt: at,
  });
  const held = {
    state: state(2),
    history: [
      { version: 1, status: "En cours" as const, at, source: "api" as const },
      { version: 2, status: "Terminée" as const, at, source: "api" as const },
    ],
  };
  const none = new Set<string>();
  await t.step("the next version is applied with its change appended", () => {
    assert.deepEqual(intake(held, state(3), none), {
      kind: "next",
      history: [...held.history, {
        version: 3,
        status: "En cours",
        at,
        source: "api" as const,
      }],
    });
  });
  await t.step("the same or an older version is already known", () => {
    assert.deepEqual(intake(held, state(2), none), { kind: "known" });
    assert.deepEqual(intake(held, state(1), none), { kind: "known" });
  });
  await t.step("a version further ahead is read with its history", () => {
    assert.deepEqual(intake(held, state(4), none), { kind: "read" });
  });
  await t.step("another epoch is read before it resets anyone", () => {
    assert.deepEqual(intake(held, state(0, "f"), none), { kind: "read" });
    assert.deepEqual(intake(held, state(5, "f"), none), { kind: "read" });
  });
  await t.step("a sequence this process has left is ignored", () => {
    assert.deepEqual(intake(held, state(9, "old"), new Set(["old"])), {
      kind: "known",
    });
  });
});

Deno.test("redis store: REDIS_URL is shown without its password", () => {
  assert.equal(
    describeRedisUrl("redis://:s3cret@db.internal:6380/2"),
    "redis://:***@db.internal:6380/2",
  );
  assert.equal(
    describeRedisUrl("redis://app:s3cret@127.0.0.1:6379"),
    "redis://app:***@127.0.0.1:6379",
  );
  assert.equal(
    describeRedisUrl("redis://127.0.0.1:6379"),
    "redis://127.0.0.1:6379",
  );
});

needsRedis.test("redis store: the script decides every update as lib/domain/update_rule.ts does", async () => {
  await withRedis((redis) =>
    withStores(redis, 1, async ([store]) => {
      let cases = 0;
      for (const from of STATUSES) {
        for (const to of STATUSES) {
          for (const expected of ["none", "current", "stale"] as const) {
            if (store.hub.state.status !== from) {
              await store.update("default", { status: from });
            }
            const current = store.hub.state;
            const request = {
              status: to,
              expectedVersion: expected === "none"
                ? undefined
                : expected === "current"
                ? current.version
                : current.version + 1,
            };
            const decided = transition(current, request, new Date());
            const result = await store.update("default", request);
            const what = `${from} → ${to}, expected version ${expected}`;
            assert.equal(result.kind, decided.kind, what);
            assert.equal(result.state.version, decided.state.version, what);
            assert.equal(result.state.status, decided.state.status, what);
            cases++;
          }
        }
      }
      assert.equal(cases, 48);
    })
  );
});

needsRedis.test("redis store: reopening keeps the state, the epoch and the last 100 changes", async () => {
  await withRedis(async (redis) => {
    const before = await withStores(redis, 1, async ([store]) => {
      for (let i = 0; i < 105; i++) {
        await store.update("default", { status: STATUSES[(i % 3) + 1] });
      }
      return { state: store.hub.state, history: store.hub.history };
    });
    await withStores(redis, 1, async ([again]) => {
      assert.deepEqual(again.hub.state, before.state);
      assert.equal(again.hub.state.version, 105);
      assert.equal(again.hub.history.length, 100);
      assert.equal(again.hub.history[0].version, 6);
      assert.deepEqual(again.hub.history, before.history);
      const next = await again.update("default", {
        status: other(again.hub.state),
      });
      assert.equal(next.state.version, 106);
      assert.equal(next.state.epoch, before.state.epoch);
    });
  });
});

needsRedis.test("redis store: stores opened together on an empty Redis agree on one epoch", async () => {
  await withRedis(async (redis) => {
    const stores = await Promise.all(
      Array.from({ length: 6 }, () => openRedisStore(redis.url)),
    );
    try {
      assert.equal(new Set(stores.map((s) => s.hub.state.epoch)).size, 1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

needsRedis.test("redis store: several stores on one Redis", async (t) => {
  await withRedis((redis) =>
    withStores(redis, 3, async ([a, b, c]) => {
      await t.step(
        "an update through one wakes the polls held on the others",
        async () => {
          const held = [a.hub.hold(5_000), c.hub.hold(5_000)];
          const result = await b.update("default", { status: "En cours" });
          await assertWokenBy(held, result.state);
          assert.deepEqual(a.hub.state, result.state);
          assert.deepEqual(c.hub.state, result.state);
        },
      );

      await t.step(
        "concurrent updates through all of them get contiguous, distinct versions",
        async () => {
          const stores = [a, b, c];
          const start = a.hub.state.version;
          const results = await Promise.all(
            Array.from(
              { length: 90 },
              (_, i) =>
                stores[i % 3].update("default", { status: STATUSES[i % 4] }),
            ),
          );
          const changed = results.filter((r) => r.kind === "changed");
          const versions = changed.map((r) => r.state.version).sort((x, y) =>
            x - y
          );
          assert.deepEqual(versions, versions.map((_, i) => start + i + 1));
          const last = start + versions.length;
          await waitFor(
            () => stores.every((s) => s.hub.state.version === last),
            5_000,
            "every store to see the last version",
          );
          assert.deepEqual(a.hub.history, b.hub.history);
          assert.deepEqual(a.hub.history, c.hub.history);
          for (const r of changed) {
            const kept = a.hub.history.find((h) =>
              h.version === r.state.version
            );
            assert.equal(kept?.status, r.state.status);
          }
        },
      );

      await t.step(
        "a version is announced once, however it arrived",
        async () => {
          await assertAnnouncedOnceAcross(a, b);
        },
      );
    })
  );
});

needsRedis.test("redis store: an update is decided on the stored state, not on the last one seen", async () => {
  await withRedis((redis) =>
    withStores(redis, 1, async ([store]) => {
      await withClient(redis, async (command) => {
        // Written behind the store's back, on a channel it does not hear.
        const seen = store.hub.state.version;
        await command(updateArgs("Échec", { channel: "elsewhere" }));
        assert.equal(store.hub.state.version, seen);
        const result = await store.update("default", {
          status: "Terminée",
          expectedVersion: seen,
        });
        assert.equal(result.kind, "conflict");
        assert.equal(result.state.version, seen + 1);
        assert.equal(result.state.status, "Échec");
        // The store caught up with what it was told.
        assert.deepEqual(store.hub.state, result.state);
        assert.equal(store.hub.history.at(-1)?.status, "Échec");
      });
    })
  );
});

needsRedis.test("redis store: a wiped database starts a new epoch and resets held polls", async () => {
  await withRedis((redis) =>
    withStores(redis, 2, async ([a, b]) => {
      await a.update("default", { status: "En cours" });
      const oldEpoch = a.hub.state.epoch;
      await waitFor(() => b.hub.state.version === 1, 5_000, "b to see v1");
      const held = a.hub.hold(5_000);
      await withClient(redis, (command) => command(["FLUSHDB"]));
      const result = await b.update("default", { status: "Échec" });
      assert.notEqual(result.state.epoch, oldEpoch);
      assert.equal(result.state.version, 1);
      const outcome = await held;
      assert.equal(outcome.kind, "changed");
      assert.equal(outcome.kind === "changed" && outcome.value.reason, "reset");
      await waitFor(
        () => a.hub.state.version === 1 && a.hub.state.epoch !== oldEpoch,
        5_000,
        "a to reach the new sequence",
      );
      assert.deepEqual(a.hub.state, result.state);
      assert.deepEqual(a.hub.history, [
        {
          version: 1,
          status: "Échec",
          at: result.state.updatedAt,
          source: "api" as const,
        },
      ]);
    })
  );
});

needsRedis.test("redis store: a status in another database of the server is not taken for this one", async () => {
  await withRedis(async (redis) => {
    // Channels are server-wide: both statuses publish on the same one.
    const mine = await openRedisStore(`${redis.url}/2`);
    try {
      const epoch = mine.hub.state.epoch;
      const held = mine.hub.hold(10_000);
      const theirs = await openRedisStore(`${redis.url}/1`);
      try {
        await theirs.update("default", { status: "Échec" });
      } finally {
        await theirs.close();
      }
      await withClient(
        redis,
        (command) => command(updateArgs("Terminée")),
        `${redis.url}/2`,
      );
      const outcome = await held;
      assert.equal(outcome.kind, "changed");
      if (outcome.kind !== "changed") return;
      assert.equal(outcome.value.reason, "changed");
      assert.equal(outcome.value.version, 1);
      assert.equal(JSON.parse(outcome.value.body).epoch, epoch);
      assert.equal(mine.hub.state.status, "Terminée");
    } finally {
      await mine.close();
    }
  });
});

needsRedis.test("redis store: a change published while the subscription was down is read once subscribed again", async () => {
  await withRedis((redis) =>
    withStores(redis, 1, async ([store]) => {
      const held = store.hub.hold(10_000);
      const replies = await withClient(redis, (command) =>
        // One transaction: the subscriber is gone before the change is published.
        command(["MULTI"]).then(async () => {
          await command(["CLIENT", "KILL", "TYPE", "pubsub"]);
          await command(updateArgs("Terminée"));
          return await command(["EXEC"]);
        }));
      assert.ok(Array.isArray(replies));
      assert.equal(replies[0], 1, "one subscriber was disconnected");
      const outcome = await held;
      assert.equal(outcome.kind, "changed", "the held poll was never woken");
      assert.equal(outcome.kind === "changed" && outcome.value.version, 1);
      assert.equal(store.hub.state.status, "Terminée");
      await waitFor(() => store.healthy(), 5_000, "the store to be healthy");
    }, { retryMs: 50 })
  );
});

needsRedis.test("redis store: Redis lost at run time", async (t) => {
  await withRedis((redis) =>
    withStores(redis, 1, async ([store]) => {
      await store.update("default", { status: "En cours" });
      const before = store.hub.state;
      const held = store.hub.hold(30_000);

      await t.step("updates are unavailable and health says so", async () => {
        await redis.stop();
        await waitFor(() => !store.healthy(), 5_000, "the store to notice");
        await assert.rejects(
          () => store.update("default", { status: "Terminée" }),
          (error: unknown) =>
            error instanceof StoreUnavailableError &&
            error.message.includes(`REDIS_URL ${redis.url}`),
        );
      });

      await t.step("held polls stay held on the last state", () => {
        assert.equal(store.hub.waiting, 1);
        assert.deepEqual(store.hub.state, before);
      });

      await t.step(
        "once Redis is back (empty), held polls are reset to the new sequence",
        async () => {
          await redis.restart();
          await waitFor(() => store.healthy(), 10_000, "the store to be back");
          const outcome = await held;
          assert.equal(outcome.kind, "changed");
          if (outcome.kind !== "changed") return;
          assert.equal(outcome.value.reason, "reset");
          const body = JSON.parse(outcome.value.body);
          assert.equal(body.reset, true);
          assert.equal(body.version, 0);
          assert.notEqual(body.epoch, before.epoch);
          assert.equal(store.hub.state.epoch, body.epoch);
          const next = await store.update("default", { status: "Terminée" });
          assert.equal(next.state.version, 1);
          assert.equal(next.state.epoch, body.epoch);
        },
      );
    }, { retryMs: 50 })
  );
});

Deno.test("redis store: a Redis that cannot be reached stops the open with one line naming REDIS_URL", async (t) => {
  // A port nobody listens on.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  for (
    const [what, url, shown] of [
      ["a plain URL", `redis://127.0.0.1:${port}`, `redis://127.0.0.1:${port}`],
      [
        "a URL with a password, which is not shown",
        `redis://:hunter2@127.0.0.1:${port}`,
        `redis://:***@127.0.0.1:${port}`,
      ],
    ] as const
  ) {
    await t.step(what, async () => {
      const started = Date.now();
      await assert.rejects(
        () => openRedisStore(url, { connectTimeoutMs: 1_000 }),
        (error: unknown) =>
          error instanceof StoreOpenError &&
          error.message.startsWith(`REDIS_URL ${shown} cannot be reached`) &&
          !error.message.includes("hunter2") &&
          !error.message.includes("\n"),
      );
      assert.ok(Date.now() - started < 3_000, "gave up in time");
    });
  }
});

needsRedis.test("redis store: data that is not a status stops the open with a message naming REDIS_URL", async (t) => {
  await withRedis(async (redis) => {
    const cases: [string, string[], RegExp][] = [
      [
        "a string at the state key",
        ["SET", LAYOUT.state, "hello"],
        /WRONGTYPE/,
      ],
      [
        "a hash without a version",
        ["HSET", LAYOUT.state, "status", "En cours"],
        /not a status record/,
      ],
    ];
    for (const [what, write, expected] of cases) {
      await t.step(what, async () => {
        await withClient(redis, async (command) => {
          await command(["FLUSHDB"]);
          await command(write);
        });
        await assert.rejects(
          () => openRedisStore(redis.url),
          (error: unknown) =>
            error instanceof StoreOpenError &&
            error.message.startsWith(`REDIS_URL ${redis.url} cannot be used`) &&
            expected.test(error.message),
        );
      });
    }
  });
});

needsRedis.test("redis store: a closed store refuses updates and is not healthy", async () => {
  await withRedis(async (redis) => {
    const store = await openRedisStore(redis.url);
    assert.equal(store.healthy(), true);
    await store.close();
    assert.equal(store.healthy(), false);
    await assert.rejects(
      () => store.update("default", { status: "En cours" }),
      StoreUnavailableError,
    );
  });
});

needsRedis.test("redis store: the read script creates the sequence once", async () => {
  await withRedis((redis) =>
    withClient(redis, async (command) => {
      const read = (epoch: string) =>
        command([
          "EVAL",
          READ_SCRIPT,
          "2",
          LAYOUT.state,
          LAYOUT.history,
          epoch,
          new Date().toISOString(),
          "En attente",
          LAYOUT.channel,
        ]);
      const first = parseSnapshot(await read("first"));
      const second = parseSnapshot(await read("second"));
      assert.equal(first?.state.epoch, "first");
      assert.deepEqual(second, first);
    })
  );
});
