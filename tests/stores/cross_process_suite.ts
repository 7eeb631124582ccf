/**
 * What a store shared by several app processes must do, seen through real
 * processes over HTTP: a restart keeps the state, processes and workers wake
 * each other's polls, concurrent updates over several processes get
 * contiguous versions, and a store that cannot be used stops the server with
 * one line. Each shared store's HTTP test file runs it.
 */
import assert from "node:assert/strict";
import type { PollAnswer, TaskState } from "../../lib/domain/task_state.ts";
import { type Status, STATUSES } from "../../lib/domain/statuses.ts";
import {
  type AppProcess,
  runAppToExit,
  SERVE_PARALLEL,
  startApp,
  waitFor,
} from "../support/server.ts";
import {
  fetchVia,
  fresh,
  httpClients,
  metric,
  postStatus,
  stopWhileHolding,
  waitForVersion,
  wakeAll,
  workerShares,
} from "../support/http.ts";

/** The changes a store makes, in the order they come, from a moment on. */
export interface ChangeFeed {
  /** Resolves with every change up to `version`, as `[version, status]`, in the order they came. */
  changesUpTo(version: number): Promise<[number, Status][]>;
  close(): Promise<void>;
}

/** A setting the app cannot open its store with, and how the one line it must stop with begins. */
export interface UnusableSetting {
  what: string;
  env: Record<string, string>;
  says: string;
}

/** A fresh, empty store that app processes can share, and how to drop it. */
export interface SharedStore {
  /** The environment that points an app process at the store. */
  env: Record<string, string>;
  /**
   * Follows every change from now on: what the store publishes to the
   * processes where it publishes each one, else what a poller of the
   * process at `url` is told ({@link followPolls}).
   */
  follow(url: string): Promise<ChangeFeed>;
  /** Settings the app cannot use: each must stop it with one line naming it. */
  unusable: UnusableSetting[];
  dispose(): Promise<void>;
}

/**
 * Follows the changes the process at `url` tells a poller of, from its
 * current version on, checking that none is skipped or reset.
 */
export async function followPolls(url: string): Promise<ChangeFeed> {
  const start = (await fresh<TaskState>(`${url}/get-status`)).body;
  const changes: [number, Status][] = [];
  let target = Number.POSITIVE_INFINITY;
  let deadline = Number.POSITIVE_INFINITY;
  let closed = false;
  const following = (async () => {
    using client = Deno.createHttpClient({});
    let version = start.version;
    while (!closed && version < target) {
      assert.ok(
        Date.now() < deadline,
        `the process stopped at version ${version} of ${target}`,
      );
      const response = await fetchVia(
        client,
        `${url}/poll-status?last_version=${version}&epoch=${start.epoch}&timeout=1`,
      );
      const answer = await response.json() as PollAnswer;
      assert.equal(answer.reset, undefined);
      assert.equal(
        answer.truncated,
        undefined,
        "the follower fell 100 versions behind",
      );
      for (const change of answer.changes ?? []) {
        assert.equal(change.version, version + 1);
        changes.push([change.version, change.status]);
        version = change.version;
      }
    }
  })();
  // Its failure is reported by changesUpTo, not as an unhandled rejection.
  following.catch(() => {});
  return {
    async changesUpTo(version) {
      target = version;
      deadline = Date.now() + 10_000;
      await following;
      return changes;
    },
    async close() {
      closed = true;
      await following.catch(() => {});
    },
  };
}

const CURRENT_ANSWERS = 'status_poll_answers_total\\{outcome="current"\\}';

/**
 * Waits until both workers take connections: the kernel picks a worker for
 * each new connection, so the rounds below mean something only once each
 * has been picked.
 */
async function waitForTwoWorkers(url: string): Promise<void> {
  let sent = 0;
  await waitFor(
    async () => {
      // One more "current" answer, counted by whichever worker takes it.
      await fresh(`${url}/poll-status`);
      sent++;
      const split = await workerShares(url, CURRENT_ANSWERS, sent, 16);
      return split !== undefined && split[0] > 0 && split[1] > 0;
    },
    30_000,
    "both workers to take connections",
  );
}

/** Sends SIGTERM and fails unless the server exits within 10 s (it is killed then). */
async function stopWithin10s(server: AppProcess): Promise<Deno.CommandStatus> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const exited = await Promise.race([
    server.stop("SIGTERM").then(() => true),
    new Promise<false>((resolve) =>
      timer = setTimeout(() => resolve(false), 10_000)
    ),
  ]);
  clearTimeout(timer);
  const status = await server.stop("SIGKILL");
  assert.ok(
    exited,
    `the server did not exit within 10 s of SIGTERM:\n${server.output()}`,
  );
  return status;
}

/**
 * Registers the cross-process cases for one shared store; `open` makes a
 * fresh, empty one for each test. `options` go to every test (to ignore
 * them when a program they need is missing, say).
 */
export function crossProcessSuite(
  name: string,
  open: () => Promise<SharedStore>,
  options: { ignore?: boolean } = {},
): void {
  const test = (
    title: string,
    fn: (store: SharedStore, t: Deno.TestContext) => Promise<void>,
  ) =>
    Deno.test(`${name} over HTTP: ${title}`, options, async (t) => {
      const store = await open();
      try {
        await fn(store, t);
      } finally {
        await store.dispose();
      }
    });

  test("a restart after SIGKILL keeps the status, version, epoch and history", async (store) => {
    let app = await startApp({ env: store.env });
    try {
      for (const status of ["En cours", "Échec", "Terminée"] as const) {
        const response = await postStatus(app.url, { status });
        assert.equal(response.status, 200);
        await response.body?.cancel();
      }
      const before = (await fresh<TaskState>(`${app.url}/get-status`)).body;
      assert.equal(before.version, 3);
      await app.stop("SIGKILL");

      app = await startApp({ env: store.env });
      const after = (await fresh<TaskState>(`${app.url}/get-status`)).body;
      assert.deepEqual(after, before);

      const behind = await fresh<PollAnswer>(
        `${app.url}/poll-status?last_version=1&epoch=${before.epoch}`,
      );
      assert.equal(behind.body.reset, undefined);
      assert.deepEqual(
        behind.body.changes?.map((c) => [c.version, c.status]),
        [[2, "Échec"], [3, "Terminée"]],
      );

      const url = app.url;
      const held = fresh<PollAnswer>(
        `${url}/poll-status?last_version=3&epoch=${before.epoch}`,
      );
      await waitFor(
        async () => await metric(url, "status_waiters") === 1,
        5_000,
        "the poll to be held",
      );
      const response = await postStatus(url, { status: "En cours" });
      await response.body?.cancel();
      const woken = (await held).body;
      assert.equal(woken.reset, undefined);
      assert.equal(woken.epoch, before.epoch);
      assert.equal(woken.version, 4);
      assert.deepEqual(woken.changes?.map((c) => [c.version, c.status]), [[
        4,
        "En cours",
      ]]);
    } finally {
      await app.stop();
    }
  });

  test("two processes wake each other's polls", async (store, t) => {
    const env = { ...store.env, POLL_TIMEOUT_MS: "20000" };
    const [a, b] = await Promise.all([startApp({ env }), startApp({ env })]);
    const holding = (url: string, count: number) => async () =>
      await metric(url, "status_waiters") === count;
    try {
      for (
        const [holder, sender, way] of [
          [a, b, "A to B"],
          [b, a, "B to A"],
        ] as const
      ) {
        await t.step(
          `200 polls held on one process are all woken by an update sent to the other (${way})`,
          async () => {
            const took = await wakeAll(
              [holder.url],
              sender.url,
              200,
              holding(holder.url, 200),
            );
            console.log(
              `200 polls woken across processes in ${took.toFixed(0)} ms`,
            );
          },
        );
      }
      await t.step(
        "200 polls held on both processes are all woken by an update sent to either",
        async () => {
          const both = async () =>
            await holding(a.url, 100)() && await holding(b.url, 100)();
          const throughA = await wakeAll([a.url, b.url], a.url, 200, both);
          const throughB = await wakeAll([a.url, b.url], b.url, 200, both);
          console.log(
            `2 processes, 200 polls: last answered ${
              throughA.toFixed(0)
            } ms and ${throughB.toFixed(0)} ms after the update`,
          );
        },
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  test("200 concurrent updates over three processes get contiguous, distinct versions", async (store) => {
    const apps = await Promise.all(
      [1, 2, 3].map(() => startApp({ env: store.env })),
    );
    using clients = httpClients(30);
    const feed = await store.follow(apps[0].url);
    try {
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
        new Set(answers.map((a) => a.code)),
        new Set([200, 409]),
      );
      const changed = answers.filter((a) =>
        a.code === 200 && a.body.message === "Statut mis à jour avec succès"
      );
      const versions = changed.map((a) => a.body.version as number).sort((
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
      for (const answer of answers.filter((a) => a.code === 200)) {
        assert.equal(answer.body.status, answer.sent.status);
      }
      const conflicts = answers.filter((a) => a.code === 409);
      assert.ok(
        conflicts.length > 0,
        "some compare-and-set requests conflicted",
      );
      for (const conflict of conflicts) {
        assert.notEqual(conflict.body.version, conflict.sent.expected_version);
      }

      // Each change made once, in version order (no 409 and no "unchanged"
      // made one), with the status its update answered.
      const made = await feed.changesUpTo(last);
      assert.deepEqual(made.map(([version]) => version), versions);
      const statusOf = new Map(made);
      for (const answer of changed) {
        assert.equal(statusOf.get(answer.body.version), answer.body.status);
      }

      // Every process ends on the last version and serves the same kept
      // history: the last 100 changes.
      const { epoch } = (await fresh<TaskState>(`${apps[0].url}/get-status`))
        .body;
      const kept = made.slice(-100);
      for (const app of apps) {
        await waitForVersion(
          app.url,
          last,
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
      await feed.close();
      await Promise.all(apps.map((app) => app.stop()));
    }
  });

  test(
    "deno task start:parallel wakes polls held by every worker",
    async (store, t) => {
      const server = await startApp({
        args: SERVE_PARALLEL,
        env: { ...store.env, DENO_JOBS: "2", POLL_TIMEOUT_MS: "20000" },
      });
      try {
        await waitForTwoWorkers(server.url);

        await t.step(
          "polls held by both workers are woken, whichever takes the update",
          async () => {
            const wakeTimes: number[] = [];
            let splitRounds = 0;
            // Each connection lands on either worker: go on until polls were
            // held by both workers at once and each worker has taken at least
            // one update.
            for (let round = 1;; round++) {
              let held: [number, number] | undefined;
              wakeTimes.push(
                await wakeAll([server.url], server.url, 200, async () => {
                  held = await workerShares(
                    server.url,
                    "status_waiters",
                    200,
                    64,
                  );
                  return held !== undefined;
                }),
              );
              if (held && held[0] > 0 && held[1] > 0) splitRounds++;
              const updates = await workerShares(
                server.url,
                "status_updates_total",
                round,
                64,
              );
              if (
                round >= 3 && splitRounds >= 2 && updates && updates[0] > 0 &&
                updates[1] > 0
              ) break;
              assert.ok(
                round < 30,
                "in 30 rounds, polls and updates never reached both workers",
              );
            }
            console.log(
              `2 workers, ${wakeTimes.length} rounds of 200 polls: last poll answered ${
                wakeTimes.map((ms) => ms.toFixed(1)).join(", ")
              } ms after the update`,
            );
          },
        );

        await t.step(
          "on SIGTERM every worker answers the polls it holds, closes its store and ends",
          async () => {
            const status = await stopWhileHolding(
              server.url,
              40,
              () => stopWithin10s(server),
            );
            assert.equal(status.success, true, server.output());
          },
        );
      } finally {
        await server.stop("SIGKILL");
      }
    },
  );

  test(
    "a store that cannot be used stops the server with one line naming it",
    async (store, t) => {
      for (const { what, env, says } of store.unusable) {
        await t.step(what, async () => {
          const started = Date.now();
          const { code, output } = await runAppToExit(env);
          assert.notEqual(code, 0);
          const lines = output.trim().split("\n");
          assert.equal(lines.length, 1, output);
          assert.ok(lines[0].startsWith(says), output);
          assert.ok(Date.now() - started < 15_000, "gave up in time");
        });
      }
    },
  );
}
