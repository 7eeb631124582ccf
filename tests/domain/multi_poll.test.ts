import assert from "node:assert/strict";
import {
  decideMultiPoll,
  MAX_WATCHED_TASKS,
  parseWatchList,
} from "../../lib/domain/multi_poll.ts";
import { changesSince } from "../../lib/domain/history.ts";
import type { Change, TaskState } from "../../lib/domain/task_state.ts";

Deno.test("the watch list of a multi-task poll", async (t) => {
  await t.step("id:version[:epoch] entries, each id once", () => {
    assert.deepEqual(parseWatchList("a:3,b:7:E1,c:0"), {
      ok: true,
      tasks: [
        { id: "a", lastVersion: 3 },
        { id: "b", lastVersion: 7, epoch: "E1" },
        { id: "c", lastVersion: 0 },
      ],
    });
  });
  await t.step("1 to 100 entries", () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => `t${i}:0`).join(",");
    assert.equal(parseWatchList(many(MAX_WATCHED_TASKS)).ok, true);
    const over = parseWatchList(many(MAX_WATCHED_TASKS + 1));
    assert.equal(over.ok, false);
    assert.match(!over.ok ? over.error : "", /at most 100/);
    assert.equal(parseWatchList("").ok, false);
    assert.equal(parseWatchList(null).ok, false);
  });
  await t.step("bad entries are refused naming what is wrong", () => {
    const cases: [string, RegExp][] = [
      ["a:1,a:2", /lists a twice/],
      ["A:1", /task id must be/],
      ["a", /id:version/],
      ["a:x", /version of a must be/],
      ["a:-1", /version of a must be/],
      ["a:1:", /epoch of a is empty/],
    ];
    for (const [text, error] of cases) {
      const parsed = parseWatchList(text);
      assert.equal(parsed.ok, false, text);
      assert.match(!parsed.ok ? parsed.error : "", error);
    }
  });
});

Deno.test("a multi-task poll is decided task by task", async (t) => {
  const at = "2026-01-01T00:00:00.000Z";
  const hub = (version: number, epoch = "e") => {
    const history: Change[] = Array.from({ length: version }, (_, i) => ({
      version: i + 1,
      status: "En cours",
      at,
      source: "api",
    }));
    const state: TaskState = {
      status: "En cours",
      version,
      epoch,
      updatedAt: at,
    };
    return { state, changesSince: (v: number) => changesSince(history, v) };
  };
  const hubs: Record<string, ReturnType<typeof hub>> = {
    a: hub(3),
    b: hub(7),
    c: hub(0, "other"),
  };
  await t.step("tasks that are current hold the poll", () => {
    assert.deepEqual(
      decideMultiPoll(
        [{ id: "a", lastVersion: 3 }, { id: "b", lastVersion: 7, epoch: "e" }],
        (id) => hubs[id],
      ),
      { kind: "hold" },
    );
  });
  await t.step(
    "every task behind or to reset is answered at once, and only those",
    () => {
      const decision = decideMultiPoll(
        [
          { id: "a", lastVersion: 1 },
          { id: "b", lastVersion: 7 },
          { id: "c", lastVersion: 0, epoch: "e" },
        ],
        (id) => hubs[id],
      );
      assert.equal(decision.kind, "now");
      if (decision.kind !== "now") return;
      assert.deepEqual(decision.answers.map((a) => [a.id, a.outcome]), [
        ["a", "changed"],
        ["c", "reset"],
      ]);
      assert.deepEqual(
        decision.answers[0].answer.changes?.map((c) => c.version),
        [2, 3],
      );
    },
  );
});
