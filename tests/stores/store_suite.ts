import assert from "node:assert/strict";
import { HISTORY_LIMIT } from "../../lib/domain/history.ts";
import { STATUSES } from "../../lib/domain/statuses.ts";
import type { WaitOutcome } from "../../lib/live/broadcaster.ts";
import type { TaskState } from "../../lib/domain/task_state.ts";
import type { Announcement, StateHub } from "../../lib/live/state_hub.ts";
import type { StatusStore } from "../../lib/stores/status_store.ts";
import { waitFor } from "../support/server.ts";

/** Asserts that every held poll was woken by the one change that made `state`. */
export async function assertWokenBy(
  held: Promise<WaitOutcome<Announcement>>[],
  state: TaskState,
): Promise<void> {
  for (const outcome of await Promise.all(held)) {
    assert.equal(outcome.kind, "changed");
    if (outcome.kind !== "changed") continue;
    assert.equal(outcome.value.reason, "changed");
    assert.deepEqual(JSON.parse(outcome.value.body), {
      ...state,
      changes: [{
        version: state.version,
        status: state.status,
        at: state.updatedAt,
        source: "api",
      }],
    });
  }
}

/**
 * Records every version the hub announces from now on, whether it came from
 * the store's own commit, its echo, or another writer.
 */
function recordAnnouncements(hub: StateHub): number[] {
  const announced: number[] = [];
  const apply = hub.apply.bind(hub);
  hub.apply = (state, history) => {
    const announcement = apply(state, history);
    if (announcement) announced.push(announcement.version);
    return announcement;
  };
  return announced;
}

/**
 * Two stores on the same data take turns to write; `a` hears each version
 * from its own commit and again from the database, and must announce it
 * once (polls are woken by announcements, so twice would answer them twice).
 */
export async function assertAnnouncedOnceAcross(
  a: StatusStore,
  b: StatusStore,
): Promise<void> {
  const announced = recordAnnouncements(a.hub);
  const version = a.hub.state.version;
  await a.update("default", {
    status: a.hub.state.status === "Échec" ? "En cours" : "Échec",
  });
  await b.update("default", { status: "En attente" });
  await a.update("default", { status: "Terminée" });
  // Changes reach a in order: once it has b's last one, it has had the
  // echoes of its own two.
  await b.update("default", { status: "En cours" });
  await waitFor(
    () => a.hub.state.version === version + 4,
    5_000,
    "the last change to reach the first store",
  );
  assert.ok(
    announced.every((v, i) => i === 0 || v > announced[i - 1]),
    `announced out of order or twice: ${announced.join(", ")}`,
  );
  assert.equal(announced.at(-1), version + 4);
}

/** A store under test, and how to dispose of it. */
export interface OpenedStore {
  store: StatusStore;
  dispose(): Promise<void>;
}

/**
 * The behaviour every StatusStore must have, whatever keeps the data.
 * Each store's test file calls this with a way to open a fresh, empty one.
 */
export function storeSuite(
  name: string,
  open: () => Promise<OpenedStore>,
  /** `needs(REDIS_SERVER)`, say: skips the suite where its store cannot run. */
  options: { ignore?: boolean } = {},
): void {
  const test = (
    title: string,
    fn: (store: StatusStore) => Promise<void> | void,
  ) =>
    Deno.test(`${name}: ${title}`, options, async () => {
      const { store, dispose } = await open();
      try {
        await fn(store);
      } finally {
        await dispose();
      }
    });

  test("a new store is at version 0, En attente, with an epoch", (store) => {
    const state = store.hub.state;
    assert.equal(state.status, "En attente");
    assert.equal(state.version, 0);
    assert.ok(state.epoch.length > 0);
    assert.ok(!Number.isNaN(Date.parse(state.updatedAt)));
    assert.deepEqual(store.hub.history, []);
  });

  test("a change bumps the version by one and is kept in the history", async (store) => {
    const result = await store.update("default", { status: "En cours" });
    assert.equal(result.kind, "changed");
    assert.equal(result.state.version, 1);
    assert.equal(result.state.status, "En cours");
    assert.deepEqual(store.hub.state, result.state);
    assert.deepEqual(store.hub.history, [
      {
        version: 1,
        status: "En cours",
        at: result.state.updatedAt,
        source: "api",
      },
    ]);
  });

  test("setting the status it already has changes nothing and wakes nobody", async (store) => {
    await store.update("default", { status: "En cours" });
    const before = store.hub.state;
    const controller = new AbortController();
    const wait = store.hub.hold(60_000, controller.signal);
    const result = await store.update("default", { status: "En cours" });
    assert.equal(result.kind, "unchanged");
    assert.deepEqual(result.state, before);
    assert.equal(store.hub.waiting, 1);
    controller.abort();
    assert.deepEqual(await wait, { kind: "aborted" });
  });

  test("compare-and-set with a stale version conflicts and changes nothing", async (store) => {
    await store.update("default", { status: "En cours" });
    const result = await store.update("default", {
      status: "Échec",
      expectedVersion: 0,
    });
    assert.equal(result.kind, "conflict");
    assert.equal(result.state.version, 1);
    assert.equal(store.hub.state.status, "En cours");
    assert.equal(store.hub.history.length, 1);
  });

  test("compare-and-set with the current version applies", async (store) => {
    await store.update("default", { status: "En cours" });
    const result = await store.update("default", {
      status: "Terminée",
      expectedVersion: 1,
    });
    assert.equal(result.kind, "changed");
    assert.equal(result.state.version, 2);
  });

  test("a change wakes held polls with the state and what they missed", async (store) => {
    const waits = [store.hub.hold(60_000), store.hub.hold(60_000)];
    const result = await store.update("default", { status: "Échec" });
    const outcomes = await Promise.all(waits);
    for (const outcome of outcomes) {
      assert.equal(outcome.kind, "changed");
      if (outcome.kind !== "changed") continue;
      assert.equal(outcome.value.version, 1);
      assert.deepEqual(JSON.parse(outcome.value.body), {
        ...result.state,
        changes: [{
          version: 1,
          status: "Échec",
          at: result.state.updatedAt,
          source: "api",
        }],
      });
    }
    assert.equal(
      outcomes[0].kind === "changed" && outcomes[0].value.body,
      outcomes[1].kind === "changed" && outcomes[1].value.body,
    );
  });

  test("the history keeps the last 100 changes and reports truncation", async (store) => {
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) {
      await store.update("default", { status: STATUSES[i % 2 === 0 ? 1 : 0] });
    }
    assert.equal(store.hub.state.version, HISTORY_LIMIT + 5);
    assert.equal(store.hub.history.length, HISTORY_LIMIT);
    assert.equal(store.hub.history[0].version, 6);
    assert.equal(store.hub.changesSince(4).truncated, true);
    assert.equal(store.hub.changesSince(5).truncated, false);
  });

  test("concurrent updates get contiguous, distinct versions", async (store) => {
    const results = await Promise.all(
      Array.from(
        { length: 40 },
        (_, i) => store.update("default", { status: STATUSES[(i % 3) + 1] }),
      ),
    );
    const changed = results.filter((r) => r.kind === "changed");
    const versions = changed.map((r) => r.state.version).sort((a, b) => a - b);
    assert.deepEqual(versions, versions.map((_, i) => i + 1));
    assert.equal(store.hub.state.version, versions.length);
    for (const r of changed) {
      const kept = store.hub.history.find((c) => c.version === r.state.version);
      assert.equal(kept?.status, r.state.status);
    }
  });
}
