import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "../../lib/app/config.ts";

const parse = (vars: Record<string, string>) =>
  parseConfig((name) => vars[name], undefined);

Deno.test("the default task's identity and MAX_TASKS come from the environment", async (t) => {
  await t.step("defaults: the name Tâche, 10,000 tasks", () => {
    const config = parse({});
    assert.deepEqual(config.defaultTask, { name: "Tâche" });
    assert.equal(config.maxTasks, 10_000);
  });
  await t.step(
    "TASK_NAME, TASK_DESCRIPTION, TASK_URL and MAX_TASKS are read",
    () => {
      const config = parse({
        TASK_NAME: "Déploiement",
        TASK_DESCRIPTION: "Prod, tous les serveurs",
        TASK_URL: "https://ci.example.com/42",
        MAX_TASKS: "50",
      });
      assert.deepEqual(config.defaultTask, {
        name: "Déploiement",
        description: "Prod, tous les serveurs",
        url: "https://ci.example.com/42",
      });
      assert.equal(config.maxTasks, 50);
    },
  );
  await t.step(
    "a bad value stops the start with a message naming the variable",
    () => {
      const cases: [Record<string, string>, RegExp][] = [
        [{ TASK_NAME: "x".repeat(101) }, /^TASK_NAME must be 1 to 100/],
        [
          { TASK_URL: "ftp://example.com" },
          /^TASK_URL must be an http or https URL/,
        ],
        [{ TASK_URL: "example.com" }, /^TASK_URL must be an http or https URL/],
        [{ TASK_DESCRIPTION: "d".repeat(501) }, /^TASK_DESCRIPTION must be/],
        [{ MAX_TASKS: "0" }, /^MAX_TASKS must be an integer from 1 to 1000000/],
        [{ MAX_TASKS: "ten" }, /^MAX_TASKS must be/],
      ];
      for (const [vars, message] of cases) {
        assert.throws(
          () => parse(vars),
          (error: unknown) =>
            error instanceof ConfigError && message.test(error.message),
          JSON.stringify(vars),
        );
      }
    },
  );
});
