import assert from "node:assert/strict";
import { TaskHubs, type TaskSnapshot } from "../../lib/live/task_hubs.ts";
import type { StoredStatus } from "../../lib/domain/stored_record.ts";
import type { Status } from "../../lib/domain/statuses.ts";

const at = "2026-01-01T00:00:00.000Z";

function record(
  version: number,
  status: Status = "En cours",
  epoch = "e",
): StoredStatus {
  return {
    state: { status, version, epoch, updatedAt: at },
    history: version === 0 ? [] : [{ version, status, at, source: "api" }],
  };
}

/** A loader whose reads the test answers by hand. */
function manualLoader() {
  const pending: ((snapshot: TaskSnapshot) => void)[] = [];
  let loads = 0;
  return {
    load: (_id: string) => {
      loads++;
      return new Promise<TaskSnapshot>((resolve) => pending.push(resolve));
    },
    answer(snapshot: TaskSnapshot) {
      pending.shift()!(snapshot);
    },
    get loads() {
      return loads;
    },
  };
}

Deno.test("task hubs", async (t) => {
  await t.step(
    "a hub is loaded once for every poll that asks meanwhile, and dropped when nobody uses it",
    async () => {
      const loader = manualLoader();
      const hubs = new TaskHubs(loader.load);
      const first = hubs.acquire("build");
      const second = hubs.acquire("build");
      assert.equal(loader.loads, 1);
      assert.equal(hubs.size, 1);
      assert.equal(hubs.peek("build"), undefined);
      loader.answer({ record: record(2), mark: "5" });
      const [a, b] = await Promise.all([first, second]);
      assert.equal(a, b);
      assert.equal(hubs.peek("build"), a);
      hubs.release("build");
      assert.equal(hubs.size, 1);
      hubs.release("build");
      assert.equal(hubs.size, 0);
      assert.equal(hubs.peek("build"), undefined);
    },
  );

  await t.step(
    "a record offered while the hub loads wins over an older load",
    async () => {
      const loader = manualLoader();
      const hubs = new TaskHubs(loader.load);
      const loading = hubs.acquire("build");
      hubs.offer("build", { record: record(3), mark: "9" });
      loader.answer({ record: record(2), mark: "5" });
      const hub = await loading;
      assert.equal(hub.state.version, 3);
      assert.equal(hubs.markOf("build"), "9");
      hubs.release("build");
    },
  );

  await t.step(
    "a record not later than the hub's is ignored; a later one is announced",
    () => {
      const hubs = new TaskHubs(() => ({ record: record(2), mark: "5" }));
      const hub = hubs.acquire("build");
      assert.ok(!(hub instanceof Promise));
      assert.equal(
        hubs.offer("build", { record: record(1), mark: "4" }),
        undefined,
      );
      assert.equal(
        hubs.offer("build", { record: record(3), mark: "5" }),
        undefined,
      );
      assert.equal(hub.state.version, 2);
      assert.equal(
        hubs.offer("build", { record: record(3), mark: "10" })?.version,
        3,
      );
      // Nobody watches "other": nothing is kept for it.
      assert.equal(
        hubs.offer("other", { record: record(3), mark: "11" }),
        undefined,
      );
      assert.equal(hubs.has("other"), false);
      hubs.release("build");
    },
  );

  await t.step(
    "held polls keep their hub and count once each, however many tasks they watch",
    async () => {
      const hubs = new TaskHubs((id) => ({
        record: record(id === "a" ? 1 : 2),
        mark: "1",
      }));
      const a = hubs.acquire("a");
      const b = hubs.acquire("b");
      assert.ok(!(a instanceof Promise) && !(b instanceof Promise));
      const one = new AbortController();
      const many = new AbortController();
      const single = hubs.hold("a", a, 60_000, one.signal);
      const multi = hubs.holdMany(["a", "b"], [a, b], 60_000, many.signal);
      hubs.release("a");
      hubs.release("b");
      assert.equal(hubs.polls, 2);
      assert.equal(a.waiting, 2);
      assert.equal(b.waiting, 1);
      assert.equal(hubs.size, 2);
      one.abort();
      many.abort();
      assert.deepEqual(await single, { kind: "aborted" });
      assert.deepEqual(await multi, { kind: "aborted" });
      assert.equal(hubs.polls, 0);
      assert.equal(a.waiting, 0);
      assert.equal(b.waiting, 0);
      assert.equal(hubs.size, 0);
      assert.equal(hubs.deadlines.size, 0);
      assert.equal(hubs.deadlines.armed, false);
    },
  );

  await t.step("a pinned hub is never dropped", () => {
    const hubs = new TaskHubs(() => ({ record: record(0), mark: "" }));
    const hub = hubs.newHub(record(0));
    hubs.pin("default", hub);
    assert.equal(hubs.acquire("default"), hub);
    hubs.release("default");
    assert.equal(hubs.peek("default"), hub);
  });

  await t.step(
    "a failed load rejects every poll waiting for it and keeps nothing",
    async () => {
      const hubs = new TaskHubs(() => Promise.reject(new Error("down")));
      const first = hubs.acquire("build");
      const second = hubs.acquire("build");
      await assert.rejects(async () => await first, /down/);
      await assert.rejects(async () => await second, /down/);
      assert.equal(hubs.size, 0);
    },
  );
});
