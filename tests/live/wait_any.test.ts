import assert from "node:assert/strict";
import { Broadcaster } from "../../lib/live/broadcaster.ts";
import { Deadlines } from "../../lib/live/deadlines.ts";
import { waitAny } from "../../lib/live/wait_any.ts";

Deno.test("waiting on several sources", async (t) => {
  await t.step(
    "the first value wins and the wait leaves every source",
    async () => {
      const deadlines = new Deadlines();
      const a = new Broadcaster<string>(deadlines);
      const b = new Broadcaster<string>(deadlines);
      const wait = waitAny([a, b], deadlines, 60_000);
      assert.equal(a.size, 1);
      assert.equal(b.size, 1);
      assert.equal(deadlines.size, 1);
      assert.equal(b.publish("from b"), 1);
      assert.deepEqual(await wait, {
        kind: "changed",
        index: 1,
        value: "from b",
      });
      assert.equal(a.size, 0);
      assert.equal(a.publish("late"), 0);
      assert.equal(deadlines.size, 0);
      assert.equal(deadlines.armed, false);
    },
  );
  await t.step("an abort leaves no listener, deadline or timer", async () => {
    const deadlines = new Deadlines();
    const sources = [
      new Broadcaster<number>(deadlines),
      new Broadcaster<number>(deadlines),
    ];
    const controller = new AbortController();
    const wait = waitAny(sources, deadlines, 60_000, controller.signal);
    controller.abort();
    assert.deepEqual(await wait, { kind: "aborted" });
    assert.deepEqual(sources.map((s) => s.size), [0, 0]);
    assert.equal(deadlines.armed, false);
  });
  await t.step("the deadline ends it with nothing left behind", async () => {
    const deadlines = new Deadlines();
    const source = new Broadcaster<number>(deadlines);
    assert.deepEqual(await waitAny([source], deadlines, 20), {
      kind: "timeout",
    });
    assert.equal(source.size, 0);
    assert.equal(deadlines.armed, false);
  });
});
