/**
 * What every store must do for named tasks, whatever keeps the data: each
 * store's test file calls {@link taskSuite} with a way to open a fresh,
 * empty store.
 */
import assert from "node:assert/strict";
import { UNSET_EPOCH } from "../../lib/domain/stored_record.ts";
import { TaskLimitError } from "../../lib/stores/status_store.ts";
import type { StatusStore } from "../../lib/stores/status_store.ts";
import type { StateHub } from "../../lib/live/state_hub.ts";
import type { OpenedStore } from "./store_suite.ts";
import { waitFor } from "../support/server.ts";

/** Options a test opens its store with. */
export interface TaskStoreOptions {
  maxTasks?: number;
}

/** The hub of `id`, acquired (the caller releases it). */
async function acquired(store: StatusStore, id: string): Promise<StateHub> {
  return await store.hubs.acquire(id);
}

/** Registers the per-task cases for one store. */
export function taskSuite(
  name: string,
  open: (options: TaskStoreOptions) => Promise<OpenedStore>,
  options: { ignore?: boolean } = {},
): void {
  const test = (
    title: string,
    fn: (store: StatusStore) => Promise<void> | void,
    storeOptions: TaskStoreOptions = {},
  ) =>
    Deno.test(`${name}: ${title}`, options, async () => {
      const { store, dispose } = await open(storeOptions);
      try {
        await fn(store);
      } finally {
        await dispose();
      }
    });

  test("a task never set reads as En attente, version 0, and is not stored", async (store) => {
    const { record, stored } = await store.read("build");
    assert.equal(stored, false);
    assert.equal(record.state.status, "En attente");
    assert.equal(record.state.version, 0);
    assert.equal(record.state.epoch, UNSET_EPOCH);
    assert.deepEqual(record.history, []);
    const page = await store.list({ limit: 100 });
    assert.deepEqual(page.tasks.map((t) => t.id), ["default"]);
    assert.equal(await store.delete("build"), false);
  });

  test("each task has its own version, epoch and history", async (store) => {
    const a1 = await store.update("a", { status: "En cours" });
    const a2 = await store.update("a", { status: "Terminée" });
    const b1 = await store.update("b", { status: "Échec" });
    assert.equal(a1.kind, "changed");
    assert.deepEqual([a1.state.version, a2.state.version], [1, 2]);
    assert.equal(b1.state.version, 1);
    assert.notEqual(a1.state.epoch, b1.state.epoch);
    assert.notEqual(a1.state.epoch, UNSET_EPOCH);
    assert.equal(a2.state.epoch, a1.state.epoch);
    assert.equal(store.hub.state.version, 0, "the default task is untouched");
    const a = await store.read("a");
    assert.equal(a.stored, true);
    assert.deepEqual(a.record.history.map((c) => [c.version, c.status]), [
      [1, "En cours"],
      [2, "Terminée"],
    ]);
    const conflict = await store.update("b", {
      status: "En cours",
      expectedVersion: 0,
    });
    assert.equal(conflict.kind, "conflict");
    assert.equal(conflict.state.version, 1);
  });

  test("source and actor are kept in the history", async (store) => {
    await store.update("a", {
      status: "En cours",
      source: "cli",
      actor: "bob",
    });
    await store.update("a", { status: "Échec" });
    await store.update("default", { status: "En cours", source: "page" });
    const { record } = await store.read("a");
    assert.deepEqual(
      record.history.map(({ source, actor }) => ({ source, actor })),
      [{ source: "cli", actor: "bob" }, { source: "api", actor: undefined }],
    );
    await waitFor(
      () => store.hub.history.at(-1)?.source === "page",
      5_000,
      "the default task's change to be kept with its source",
    );
  });

  test("a change to one task wakes only the polls that watch it", async (store) => {
    await store.update("a", { status: "En cours" });
    await store.update("b", { status: "En cours" });
    const a = await acquired(store, "a");
    const b = await acquired(store, "b");
    const stopB = new AbortController();
    const heldA = store.hubs.hold("a", a, 60_000);
    const heldB = store.hubs.hold("b", b, 60_000, stopB.signal);
    store.hubs.release("a");
    store.hubs.release("b");
    const result = await store.update("a", { status: "Terminée" });
    const woken = await heldA;
    assert.equal(woken.kind, "changed");
    assert.equal(woken.kind === "changed" && woken.value.version, 2);
    assert.equal(result.state.version, 2);
    assert.equal(b.waiting, 1, "the other task's poll is still held");
    stopB.abort();
    assert.deepEqual(await heldB, { kind: "aborted" });
    assert.equal(store.hubs.polls, 0);
  });

  test("a task nobody watches keeps no hub; its state stays in the store", async (store) => {
    await store.update("a", { status: "En cours" });
    const hub = await acquired(store, "a");
    assert.equal(hub.state.version, 1);
    store.hubs.release("a");
    assert.equal(store.hubs.peek("a"), undefined);
    assert.equal(store.hubs.size, 1, "only the default task's");
    assert.equal((await store.read("a")).record.state.version, 1);
  });

  test("deleting a task answers its held polls with reset; it reads as never set", async (store) => {
    await store.update("a", { status: "En cours" });
    const hub = await acquired(store, "a");
    const held = store.hubs.hold("a", hub, 60_000);
    store.hubs.release("a");
    assert.equal(await store.delete("a"), true);
    const outcome = await held;
    assert.equal(outcome.kind, "changed");
    if (outcome.kind === "changed") {
      assert.equal(outcome.value.reason, "reset");
      const body = JSON.parse(outcome.value.body);
      assert.equal(body.reset, true);
      assert.equal(body.version, 0);
      assert.equal(body.epoch, UNSET_EPOCH);
    }
    assert.equal((await store.read("a")).stored, false);
    assert.equal(await store.delete("a"), false);
    const again = await store.update("a", { status: "Échec" });
    assert.equal(again.state.version, 1);
    assert.equal(store.hubs.size, 1);
  });

  test("the list is sorted by id and paginated, default in its place", async (store) => {
    for (const id of ["delta", "alpha", "echo", "charlie", "bravo"]) {
      await store.update(id, { status: "En cours" });
    }
    const first = await store.list({ limit: 3 });
    assert.deepEqual(first.tasks.map((t) => t.id), [
      "alpha",
      "bravo",
      "charlie",
    ]);
    assert.equal(first.next, "charlie");
    const second = await store.list({ limit: 3, after: first.next });
    assert.deepEqual(second.tasks.map((t) => t.id), [
      "default",
      "delta",
      "echo",
    ]);
    assert.equal(second.next, undefined);
    assert.equal(second.tasks[1].state.status, "En cours");
    assert.equal(second.tasks[1].state.version, 1);
  });

  test(
    "past MAX_TASKS a new task is refused; stored tasks still change",
    async (store) => {
      await store.update("a", { status: "En cours" });
      await store.update("b", { status: "En cours" });
      await assert.rejects(
        () => store.update("c", { status: "En cours" }),
        (error: unknown) =>
          error instanceof TaskLimitError &&
          error.message === "MAX_TASKS (2) is reached: delete a task first",
      );
      await assert.rejects(
        () => store.setIdentity("c", { name: "C" }),
        TaskLimitError,
      );
      assert.equal(
        (await store.update("a", { status: "Échec" })).kind,
        "changed",
      );
      assert.equal(
        (await store.update("default", { status: "Échec" })).kind,
        "changed",
      );
      assert.equal(await store.delete("b"), true);
      assert.equal(
        (await store.update("c", { status: "En cours" })).kind,
        "changed",
      );
    },
    { maxTasks: 2 },
  );

  test("a stored identity is read back, kept by updates and listed", async (store) => {
    const set = await store.setIdentity("deploy", {
      name: "Déploiement",
      url: "https://ci.example.com/1",
    });
    assert.equal(set.stored, true);
    assert.equal(set.record.state.version, 0);
    assert.notEqual(set.record.state.epoch, UNSET_EPOCH);
    await store.update("deploy", { status: "En cours" });
    const { record } = await store.read("deploy");
    assert.deepEqual(record.identity, {
      name: "Déploiement",
      url: "https://ci.example.com/1",
    });
    assert.equal(record.state.version, 1);
    const listed = (await store.list({ limit: 10 })).tasks.find((t) =>
      t.id === "deploy"
    );
    assert.equal(listed?.identity?.name, "Déploiement");
    await store.setIdentity("default", { name: "Principale" });
    await waitFor(
      () => store.hub.identity?.name === "Principale",
      5_000,
      "the default task's identity",
    );
  });

  test("deleting the default task starts it over under a new epoch", async (store) => {
    await store.update("default", { status: "En cours" });
    const before = store.hub.state.epoch;
    const held = store.hub.hold(60_000);
    assert.equal(await store.delete("default"), true);
    const outcome = await held;
    assert.equal(outcome.kind === "changed" && outcome.value.reason, "reset");
    assert.notEqual(store.hub.state.epoch, before);
    assert.equal(store.hub.state.version, 0);
    assert.equal((await store.read("default")).stored, true);
  });
}
