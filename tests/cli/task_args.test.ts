import assert from "node:assert/strict";
import { parseCli } from "../../lib/cli/args.ts";

function command(argv: string[], env = {}) {
  const parsed = parseCli(argv, env);
  assert.equal(parsed.kind, "run", JSON.stringify(parsed));
  return parsed.kind === "run" ? parsed.command : undefined;
}

function usageOf(argv: string[]): string {
  const parsed = parseCli(argv, {});
  assert.equal(parsed.kind, "usage", JSON.stringify(parsed));
  return parsed.kind === "usage" ? parsed.message : "";
}

Deno.test("command line: named tasks", async (t) => {
  await t.step(
    "--task on status, set and watch names the task; without it, the default task",
    () => {
      for (const name of ["status", "watch"]) {
        assert.equal(command([name, "--task", "build"])?.name, name);
        const parsed = command([name, "--task", "build"]);
        assert.equal(parsed && "task" in parsed && parsed.task, "build", name);
        assert.equal(command([name]) && "task" in command([name])!, false);
      }
      const set = command(["set", "echec", "--task=deploy-2"]);
      assert.equal(set?.name === "set" && set.task, "deploy-2");
    },
  );
  await t.step("a bad task id is a usage error naming the rule", () => {
    assert.match(
      usageOf(["status", "--task", "Build"]),
      /^--task: task id must be/,
    );
    assert.match(
      usageOf(["status", "--task", "a", "--task", "b"]),
      /one --task/,
    );
  });
  await t.step("wait takes several tasks, each once", () => {
    const wait = command(["wait", "--task", "a", "--task", "b"]);
    assert.deepEqual(wait?.name === "wait" && wait.tasks, ["a", "b"]);
    assert.match(
      usageOf(["wait", "--task", "a", "--task", "a"]),
      /given twice/,
    );
  });
  await t.step("tasks lists, and takes no task", () => {
    assert.deepEqual(command(["tasks", "--json"]), {
      name: "tasks",
      url: "http://127.0.0.1:3000",
      json: true,
    });
    assert.match(usageOf(["tasks", "--task", "a"]), /unknown option '--task'/);
  });
  await t.step(
    "set's actor is --actor, else the user name, left out when the server would refuse it",
    () => {
      const actorOf = (argv: string[], env = {}) => {
        const set = command(argv, env);
        return set?.name === "set" ? set.actor : undefined;
      };
      assert.equal(actorOf(["set", "echec"], { USER: "alice" }), "alice");
      assert.equal(
        actorOf(["set", "echec", "--actor", "ci-bot"], { USER: "alice" }),
        "ci-bot",
      );
      assert.equal(
        actorOf(["set", "echec"], { USER: "x".repeat(65) }),
        undefined,
      );
      assert.equal(actorOf(["set", "echec"]), undefined);
      assert.match(
        usageOf(["set", "echec", "--actor", ""]),
        /^--actor: actor must be/,
      );
    },
  );
});
