import assert from "node:assert/strict";
import {
  ConnectionTable,
  type Tracked,
} from "../../lib/fresh/connection_table.ts";
import {
  ConnectionBudget,
  connectionCaps,
} from "../../lib/fresh/connection_budget.ts";

const conn = (): Tracked => ({ phase: undefined, since: 0, deadline: 0 });

Deno.test("connections past their deadline are found; active ones never", () => {
  const table = new ConnectionTable<Tracked>();
  const [slow, idle, held] = [conn(), conn(), conn()];
  table.enter(slow, "head", 0, 100);
  table.enter(idle, "idle", 10, 60);
  table.enter(held, "active", 0);
  assert.deepEqual(table.expired(50), []);
  assert.deepEqual(table.expired(100), [idle, slow]);
  assert.deepEqual(table.expired(1e9).includes(held), false);
  table.remove(slow);
  table.remove(idle);
  assert.deepEqual(table.counts(), {
    closing: 0,
    idle: 0,
    head: 0,
    body: 0,
    send: 0,
    active: 1,
  });
});

Deno.test("short of room, the cheapest connection to lose goes first, after a grace", async (t) => {
  const table = new ConnectionTable<Tracked>();
  const [head1, head2, idle, held] = [conn(), conn(), conn(), conn()];
  table.enter(head1, "head", 0, 1e9);
  table.enter(head2, "head", 5, 1e9);
  table.enter(held, "active", 0);
  await t.step("none within the grace", () => {
    assert.equal(table.sheddable(500, 1_000), undefined);
  });
  await t.step("the oldest unfinished head", () => {
    assert.equal(table.sheddable(1_000, 1_000), head1);
  });
  await t.step("an idle keep-alive connection before any head", () => {
    table.enter(idle, "idle", 0, 1e9);
    assert.equal(table.sheddable(1_000, 1_000), idle);
  });
  await t.step(
    "while there is room, only one answered or between requests",
    () => {
      assert.equal(table.sheddable(1_000, 1_000, true), idle);
      table.remove(idle);
      assert.equal(table.sheddable(1_000, 1_000, true), undefined);
      table.enter(idle, "idle", 0, 1e9);
    },
  );
  await t.step("never a request being handled", () => {
    for (const c of [head1, head2, idle]) table.remove(c);
    assert.equal(table.sheddable(1e9, 0), undefined);
  });
});

Deno.test("the connection budget leaves a reserve of the open-file limit", async (t) => {
  await t.step("an eighth of what is left, from 8 to 512", () => {
    assert.deepEqual(connectionCaps(256, 24), { soft: 203, hard: 218 });
    assert.deepEqual(connectionCaps(20_000, 30), {
      soft: 19_458,
      hard: 19_714,
    });
    assert.deepEqual(connectionCaps(64, 40), { soft: 16, hard: 20 });
  });
  await t.step("past soft: shed; past hard: refuse", () => {
    const budget = new ConnectionBudget({ soft: 2, hard: 3 });
    assert.deepEqual(
      [budget.opened(), budget.opened(), budget.opened(), budget.opened()],
      ["ok", "ok", "shed", "refuse"],
    );
    budget.closed();
    assert.equal(budget.open, 3);
  });
  await t.step(
    "workers sharing a buffer share the count and the requests to shed",
    () => {
      const shared = ConnectionBudget.sharedBuffer();
      const a = new ConnectionBudget({ soft: 2, hard: 3 }, shared);
      const b = new ConnectionBudget({ soft: 2, hard: 3 }, shared);
      a.opened();
      a.opened();
      assert.equal(b.opened(), "shed");
      b.askShed();
      assert.equal(a.takeShedRequest(), true);
      assert.equal(b.takeShedRequest(), false);
    },
  );
});
