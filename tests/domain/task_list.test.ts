import assert from "node:assert/strict";
import {
  type ListedTask,
  mergePage,
  pageOfIds,
  parseListQuery,
} from "../../lib/domain/task_list.ts";

const state = {
  status: "En attente" as const,
  version: 0,
  epoch: "e",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
const task = (id: string): ListedTask => ({ id, state });

Deno.test("listing tasks", async (t) => {
  await t.step(
    "limit defaults to 100, runs from 1 to 1000; after is a task id",
    () => {
      const parse = (q: string) => parseListQuery(new URLSearchParams(q));
      assert.deepEqual(parse(""), { ok: true, query: { limit: 100 } });
      assert.deepEqual(parse("limit=1000&after=b"), {
        ok: true,
        query: { limit: 1000, after: "b" },
      });
      for (
        const bad of ["limit=0", "limit=1001", "limit=x", "after=B", "after="]
      ) {
        assert.equal(parse(bad).ok, false, bad);
      }
    },
  );
  await t.step("a page is sorted by id and says where the next starts", () => {
    assert.deepEqual(pageOfIds(["c", "a", "d", "b"], { limit: 2 }), {
      ids: ["a", "b"],
      next: "b",
    });
    assert.deepEqual(
      pageOfIds(["c", "a", "d", "b"], { limit: 2, after: "b" }),
      {
        ids: ["c", "d"],
      },
    );
  });
  await t.step(
    "a task kept apart (default) takes its place in the pages",
    () => {
      const listed = ["a", "c", "e"].map(task);
      assert.deepEqual(
        mergePage(listed, task("default"), { limit: 2 }).tasks.map((t) => t.id),
        ["a", "c"],
      );
      const second = mergePage(["e"].map(task), task("default"), {
        limit: 2,
        after: "c",
      });
      assert.deepEqual(second.tasks.map((t) => t.id), ["default", "e"]);
      assert.equal(second.next, undefined);
      const first = mergePage(["a", "c", "e"].map(task), task("default"), {
        limit: 2,
      });
      assert.equal(first.next, "c");
    },
  );
});
