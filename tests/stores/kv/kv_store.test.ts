import assert from "node:assert/strict";
import { join } from "node:path";
import {
  KvStore,
  openKvStore,
  STATUS_KEY,
} from "../../../lib/stores/kv/kv_store.ts";
import { StoreOpenError } from "../../../lib/stores/status_store.ts";
import { STATUSES } from "../../../lib/domain/statuses.ts";
import { StoreUnavailableError } from "../../../lib/stores/status_store.ts";
import {
  assertAnnouncedOnceAcross,
  assertWokenBy,
  storeSuite,
} from "../store_suite.ts";
import { taskSuite } from "../task_suite.ts";
import { waitFor } from "../../support/server.ts";
import { faultyKv } from "./faulty_kv.ts";

/** A fresh folder for KV files, removed by `dispose`. */
async function tempFolder(): Promise<
  { path: string; dispose(): Promise<void> }
> {
  const path = await Deno.makeTempDir({ prefix: "kv_store_test_" });
  return { path, dispose: () => Deno.remove(path, { recursive: true }) };
}

storeSuite("kv store", async () => {
  const folder = await tempFolder();
  const store = await openKvStore(join(folder.path, "status.kv"));
  return {
    store,
    async dispose() {
      await store.close();
      await folder.dispose();
    },
  };
});

taskSuite("kv store", async (options) => {
  const folder = await tempFolder();
  const store = await openKvStore(join(folder.path, "status.kv"), options);
  return {
    store,
    async dispose() {
      await store.close();
      await folder.dispose();
    },
  };
});

Deno.test("kv store: reopening the file keeps the state, the epoch and the history", async () => {
  const folder = await tempFolder();
  const path = join(folder.path, "status.kv");
  try {
    const first = await openKvStore(path);
    for (const status of ["En cours", "Échec", "Terminée"] as const) {
      await first.update("default", { status });
    }
    const before = { state: first.hub.state, history: first.hub.history };
    await first.close();

    const again = await openKvStore(path);
    try {
      assert.deepEqual(again.hub.state, before.state);
      assert.equal(again.hub.state.version, 3);
      assert.deepEqual(again.hub.history, before.history);
      const next = await again.update("default", { status: "En cours" });
      assert.equal(next.state.version, 4);
      assert.equal(next.state.epoch, before.state.epoch);
    } finally {
      await again.close();
    }
  } finally {
    await folder.dispose();
  }
});

Deno.test("kv store: a missing folder is created", async () => {
  const folder = await tempFolder();
  const path = join(folder.path, "a", "b", "status.kv");
  try {
    const store = await openKvStore(path);
    await store.close();
    assert.ok((await Deno.stat(path)).isFile);
  } finally {
    await folder.dispose();
  }
});

Deno.test("kv store: stores opened together on a new file agree on one epoch", async () => {
  const folder = await tempFolder();
  const path = join(folder.path, "status.kv");
  try {
    const stores = await Promise.all(
      Array.from({ length: 6 }, () => openKvStore(path)),
    );
    try {
      const epochs = new Set(stores.map((s) => s.hub.state.epoch));
      assert.equal(epochs.size, 1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  } finally {
    await folder.dispose();
  }
});

Deno.test("kv store: two stores on one file", async (t) => {
  const folder = await tempFolder();
  const path = join(folder.path, "status.kv");
  // Watch only: these cases must pass without the timed re-read.
  const a = await openKvStore(path, { refreshMs: undefined });
  const b = await openKvStore(path, { refreshMs: undefined });
  try {
    await t.step(
      "an update through one wakes the polls held on the other",
      async () => {
        const held = [a.hub.hold(5_000), a.hub.hold(5_000)];
        const result = await b.update("default", { status: "En cours" });
        await assertWokenBy(held, result.state);
        assert.deepEqual(a.hub.state, result.state);
      },
    );

    await t.step(
      "concurrent updates through both get contiguous, distinct versions",
      async () => {
        const start = a.hub.state.version;
        const results = await Promise.all(
          Array.from(
            { length: 60 },
            (_, i) =>
              (i % 2 ? a : b).update("default", { status: STATUSES[i % 4] }),
          ),
        );
        const changed = results.filter((r) => r.kind === "changed");
        const versions = changed.map((r) => r.state.version).sort((x, y) =>
          x - y
        );
        assert.deepEqual(versions, versions.map((_, i) => start + i + 1));
        const last = start + versions.length;
        await waitFor(
          () => a.hub.state.version === last && b.hub.state.version === last,
          5_000,
          "both stores to see the last version",
        );
        assert.deepEqual(a.hub.history, b.hub.history);
        for (const r of changed) {
          const kept = a.hub.history.find((c) => c.version === r.state.version);
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
  } finally {
    await a.close();
    await b.close();
    await folder.dispose();
  }
});

Deno.test("kv store: a wiped database starts a new epoch and resets held polls", async () => {
  const kv = await Deno.openKv(":memory:");
  const store = await KvStore.open(kv);
  try {
    await store.update("default", { status: "En cours" });
    const oldEpoch = store.hub.state.epoch;
    const held = store.hub.hold(5_000);
    await kv.delete(STATUS_KEY);
    const outcome = await held;
    assert.equal(outcome.kind, "changed");
    assert.equal(outcome.kind === "changed" && outcome.value.reason, "reset");
    assert.notEqual(store.hub.state.epoch, oldEpoch);
    assert.equal(store.hub.state.version, 0);
    assert.equal(store.hub.state.status, "En attente");
  } finally {
    await store.close();
  }
});

Deno.test("kv store: an update is decided on the stored state, not on the last one seen", async (t) => {
  const kv = await Deno.openKv(":memory:");
  const store = await KvStore.open(kv);
  try {
    // Another writer commits behind the store's back; the store may not have seen it yet.
    const writeBehind = async (status: "En cours" | "Échec") => {
      const entry = await kv.get<{ state: { version: number; epoch: string } }>(
        STATUS_KEY,
      );
      const { version, epoch } = entry.value!.state;
      const at = new Date().toISOString();
      const next = {
        state: { status, version: version + 1, epoch, updatedAt: at },
        history: [{ version: version + 1, status, at, source: "api" }],
      };
      assert.ok(
        (await kv.atomic().check(entry).set(STATUS_KEY, next).commit()).ok,
      );
      return next.state;
    };

    await t.step(
      "a compare-and-set against the version it last saw conflicts",
      async () => {
        const seen = store.hub.state.version;
        const written = await writeBehind("En cours");
        const result = await store.update("default", {
          status: "Terminée",
          expectedVersion: seen,
        });
        assert.equal(result.kind, "conflict");
        assert.deepEqual(result.state, written);
      },
    );

    await t.step(
      "the status another writer just set is unchanged, not a new version",
      async () => {
        const written = await writeBehind("Échec");
        const result = await store.update("default", { status: "Échec" });
        assert.equal(result.kind, "unchanged");
        assert.deepEqual(result.state, written);
        const stored = await kv.get<{ state: { version: number } }>(STATUS_KEY);
        assert.equal(stored.value?.state.version, written.version);
      },
    );
  } finally {
    await store.close();
  }
});

Deno.test("kv store: a failed write is unavailable, writes nothing and wakes nobody", async () => {
  const raw = await Deno.openKv(":memory:");
  const { kv, failCommits } = faultyKv(raw);
  const store = await KvStore.open(kv, { retryMs: 20 });
  try {
    await store.update("default", { status: "En cours" });
    const before = store.hub.state;
    const stored = await raw.get(STATUS_KEY);
    const controller = new AbortController();
    const held = store.hub.hold(60_000, controller.signal);

    failCommits(true);
    await assert.rejects(
      () => store.update("default", { status: "Terminée" }),
      (error: unknown) =>
        error instanceof StoreUnavailableError &&
        error.message.includes("disk I/O error"),
    );
    assert.equal(store.healthy(), false);
    assert.deepEqual(store.hub.state, before);
    assert.equal(store.hub.waiting, 1);
    const after = await raw.get(STATUS_KEY);
    assert.equal(after.versionstamp, stored.versionstamp);
    assert.deepEqual(after.value, stored.value);

    failCommits(false);
    // The probe's write succeeds, so health comes back without an update.
    await waitFor(
      () => store.healthy(),
      2_000,
      "the store to be healthy again",
    );
    const next = await store.update("default", { status: "Terminée" });
    assert.equal(next.state.version, before.version + 1);
    const woken = await held;
    assert.equal(woken.kind, "changed");
    assert.equal(
      woken.kind === "changed" && woken.value.version,
      next.state.version,
    );
  } finally {
    await store.close();
  }
});

Deno.test("kv store: a closed store refuses updates and is not healthy", async () => {
  const store = await KvStore.open(await Deno.openKv(":memory:"));
  await store.close();
  assert.equal(store.healthy(), false);
  await assert.rejects(
    () => store.update("default", { status: "En cours" }),
    StoreUnavailableError,
  );
});

Deno.test("kv store: a path that cannot be used stops the open with a message naming it", async (t) => {
  const folder = await tempFolder();
  try {
    const file = join(folder.path, "plain.txt");
    await Deno.writeTextFile(file, "not a database\n");
    const cases = [
      ["a folder that cannot be created", join(file, "sub", "status.kv")],
      ["a file that is not a KV database", file],
      ["a folder in place of the file", folder.path],
    ] as const;
    for (const [what, path] of cases) {
      await t.step(what, async () => {
        await assert.rejects(
          () => openKvStore(path),
          (error: unknown) =>
            error instanceof StoreOpenError && error.message.includes(path) &&
            !error.message.includes("\n"),
        );
      });
    }

    await t.step(
      "a database holding something else under the status key",
      async () => {
        const path = join(folder.path, "other.kv");
        const kv = await Deno.openKv(path);
        await kv.set(STATUS_KEY, { hello: "world" });
        kv.close();
        await assert.rejects(
          () => openKvStore(path),
          (error: unknown) =>
            error instanceof StoreOpenError && error.message.includes(path) &&
            error.message.includes("not a status record"),
        );
      },
    );
  } finally {
    await folder.dispose();
  }
});

Deno.test("kv store: processes opening a new file together all open it", async () => {
  const folder = await tempFolder();
  const opener =
    new URL("../../../lib/stores/kv/kv_store.ts", import.meta.url).href;
  const script = `const { openKvStore } = await import(${
    JSON.stringify(opener)
  });
    const store = await openKvStore(Deno.args[0]);
    console.log(store.hub.state.epoch);
    await store.close();`;
  try {
    for (let round = 0; round < 3; round++) {
      const path = join(folder.path, `status-${round}.kv`);
      const runs = await Promise.all(
        Array.from({ length: 6 }, () =>
          new Deno.Command(Deno.execPath(), {
            args: ["eval", "--unstable-kv", script, path],
            stdout: "piped",
            stderr: "piped",
          }).output()),
      );
      const decoder = new TextDecoder();
      for (const run of runs) {
        assert.equal(run.code, 0, decoder.decode(run.stderr));
      }
      const epochs = new Set(runs.map((r) => decoder.decode(r.stdout).trim()));
      assert.equal(epochs.size, 1, "the processes disagree on the epoch");
    }
  } finally {
    await folder.dispose();
  }
});
