/**
 * The KV store's health tells the truth: it is down while writes fail
 * (a full disk, a read-only file), even though reads work, and comes back
 * only once a write succeeds; an update that waited too long is refused,
 * never applied later.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { KvStore, PROBE_KEY } from "../../../lib/stores/kv/kv_store.ts";
import { StoreUnavailableError } from "../../../lib/stores/status_store.ts";
import type { TaskState } from "../../../lib/domain/task_state.ts";
import { startApp, waitFor } from "../../support/server.ts";
import { fresh, postStatus } from "../../support/http.ts";
import { faultyKv } from "./faulty_kv.ts";
import { bounded } from "../bounded.ts";
import { smallDiskTest, smallDiskUnavailable } from "./small_disk.ts";

const WRITE_FAILURES = [
  ["a full disk", "database or disk is full"],
  ["a read-only file", "attempt to write a readonly database"],
  ["a failing disk", "disk I/O error"],
] as const;

Deno.test("kv store: health stays down while writes fail, though reads work, until a write succeeds", async (t) => {
  for (const [what, message] of WRITE_FAILURES) {
    await t.step(what, async () => {
      const raw = await Deno.openKv(":memory:");
      const faulty = faultyKv(raw);
      const log: string[] = [];
      const store = await KvStore.open(faulty.kv, {
        retryMs: 10,
        log: (line) => log.push(line),
      });
      try {
        await store.update("default", { status: "En cours" });
        faulty.failCommits(true, message);
        await assert.rejects(
          () => store.update("default", { status: "Terminée" }),
          (error: unknown) =>
            error instanceof StoreUnavailableError &&
            error.message.includes(message),
        );
        assert.equal(store.healthy(), false);

        const tried = faulty.commits;
        await waitFor(
          () => faulty.commits >= tried + 3,
          5_000,
          "three probe writes",
        );
        assert.equal(store.healthy(), false, "a probe that failed cured it");
        const report = await store.checkHealth();
        assert.equal(report.ok, false);
        assert.match(report.ok ? "" : report.reason, new RegExp(message));
        assert.equal(store.hub.state.version, 1);

        faulty.failCommits(false);
        await waitFor(() => store.healthy(), 5_000, "a probe write to succeed");
        assert.notEqual((await raw.get(PROBE_KEY)).versionstamp, null);
        assert.deepEqual(log, [
          `kv store: the KV database failed: ${message}`,
          "kv store: working again",
        ]);
      } finally {
        await store.close();
      }
    });
  }
});

Deno.test("kv store: an idle store finds out at a health check that it cannot write", async () => {
  const faulty = faultyKv(await Deno.openKv(":memory:"));
  const store = await KvStore.open(faulty.kv, { log: () => {} });
  try {
    assert.deepEqual(await store.checkHealth(), { ok: true });
    faulty.failCommits(true, "database or disk is full");
    // A write a moment ago vouches for the store for a second, no longer.
    await waitFor(
      async () => !(await store.checkHealth()).ok,
      5_000,
      "a health check to probe",
    );
    assert.deepEqual(await store.checkHealth(), {
      ok: false,
      reason: "the KV database failed: database or disk is full",
    });
    assert.equal(store.healthy(), false);
  } finally {
    await store.close();
  }
});

Deno.test("kv store: a stalled write", async (t) => {
  const raw = await Deno.openKv(":memory:");
  const faulty = faultyKv(raw);
  const store = await KvStore.open(faulty.kv, {
    timeoutMs: 200,
    retryMs: 10,
    log: () => {},
  });
  const release = faulty.stallCommits();
  try {
    const stalled = store.update("default", { status: "En cours" });

    await t.step(
      "an update queued behind it answers unavailable at its deadline",
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
            /no answer within 200 ms/.test(error.message),
        );
        const took = performance.now() - started;
        assert.ok(took < 2_000, `answered after ${took} ms`);
      },
    );

    await t.step("health is down while it waits", async () => {
      await waitFor(() => !store.healthy(), 5_000, "health to go down");
      const report = await store.checkHealth();
      // Said by the stalled update, or by a probe write stalled behind it.
      assert.match(
        report.ok ? "" : report.reason,
        /waited for the KV database for more than 200 ms|no answer within 200 ms/,
      );
    });

    await t.step(
      "the stalled write itself is waited for: it was handed to the database and may be stored",
      async () => {
        release();
        const result = await stalled;
        assert.equal(result.kind, "changed");
        assert.equal(result.state.version, 1);
      },
    );

    await t.step(
      "the refused update is never applied, and the next write brings health back",
      async () => {
        const next = await store.update("default", { status: "Échec" });
        assert.equal(next.state.version, 2);
        assert.deepEqual(store.hub.history.map((c) => c.status), [
          "En cours",
          "Échec",
        ]);
        const stored = await raw.get<{ state: TaskState }>(["status", "state"]);
        assert.equal(stored.value?.state.version, 2);
        assert.equal(store.healthy(), true);
      },
    );
  } finally {
    release();
    await store.close();
  }
});

const diskUnavailable = await smallDiskUnavailable();

smallDiskTest(
  "kv store over HTTP: a full disk",
  diskUnavailable,
  async (t, disk) => {
    const app = await startApp({
      env: {
        STATUS_STORE: "kv",
        KV_PATH: join(disk.path, "status.kv"),
        STORE_TIMEOUT_MS: "2000",
      },
    });
    try {
      const first = await postStatus(app.url, { status: "En cours" });
      assert.equal(first.status, 200);
      const before = (await first.json()) as TaskState;
      assert.equal((await fresh(`${app.url}/healthz`)).code, 200);
      await disk.fill();

      await t.step("an update answers 503 and is not stored", async () => {
        const response = await postStatus(app.url, { status: "Terminée" });
        assert.equal(response.status, 503);
        const body = await response.json();
        assert.match(body.error, /database or disk is full/);
        const now = await fresh<TaskState>(`${app.url}/get-status`);
        assert.equal(now.body.version, before.version);
        assert.equal(now.body.status, "En cours");
      });

      await t.step(
        "/healthz says 503 with the reason, and stays so while the disk is full",
        async () => {
          // Several probe rounds (one a second): a probe that only read
          // turned health green again within a second.
          const until = Date.now() + 3_000;
          while (Date.now() < until) {
            const health = await fresh<{ ok: boolean; error: string }>(
              `${app.url}/healthz`,
            );
            assert.equal(health.code, 503);
            assert.equal(health.body.ok, false);
            assert.match(health.body.error, /database or disk is full/);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        },
      );

      await t.step(
        "with space again, health comes back and the next update is the next version",
        async () => {
          await disk.free();
          await waitFor(
            async () => (await fresh(`${app.url}/healthz`)).code === 200,
            10_000,
            "/healthz to be back",
          );
          const next = await postStatus(app.url, { status: "Échec" });
          assert.equal(next.status, 200);
          assert.equal((await next.json()).version, before.version + 1);
        },
      );
    } finally {
      await app.stop();
    }
  },
);
