import assert from "node:assert/strict";
import { DeadlineError, within } from "../../lib/stores/store_deadline.ts";

Deno.test("within", async (t) => {
  await t.step("settles as the task does when it is in time", async () => {
    assert.equal(await within(Promise.resolve(7), 1_000, "late"), 7);
    await assert.rejects(
      () => within(Promise.reject(new Error("refused")), 1_000, "late"),
      /refused/,
    );
  });

  await t.step(
    "fails with the message once the time is up, leaving the task be",
    async () => {
      let finish!: (value: string) => void;
      const task = new Promise<string>((resolve) => finish = resolve);
      const started = performance.now();
      await assert.rejects(
        () => within(task, 20, "no answer within 20 ms"),
        (error: unknown) =>
          error instanceof DeadlineError &&
          error.message === "no answer within 20 ms",
      );
      assert.ok(performance.now() - started < 1_000);
      finish("later");
      assert.equal(await task, "later");
    },
  );
});
