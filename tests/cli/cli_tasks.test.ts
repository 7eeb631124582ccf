/** The command line on named tasks, as a user runs it: a subprocess against a real server. */
import assert from "node:assert/strict";
import { startApp } from "../support/server.ts";
import { fresh } from "../support/http.ts";
import type { PollAnswer } from "../../lib/domain/task_state.ts";

const ROOT = new URL("../../", import.meta.url);

async function cli(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "lib/cli/main.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", TZ: "UTC", STATUS_URL: "", ADMIN_TOKEN: "", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

Deno.test("command line on named tasks", async (t) => {
  const app = await startApp();
  const env = { STATUS_URL: app.url, USER: "alice" };
  try {
    await t.step(
      "set --task changes that task, from the command line, by the user",
      async () => {
        const set = await cli(["set", "en-cours", "--task", "build"], env);
        assert.equal(set.code, 0, set.stderr);
        assert.match(set.stdout, /^En cours \(version 1\)/);
        const epoch =
          (await fresh<{ epoch: string }>(`${app.url}/tasks/build/get-status`))
            .body.epoch;
        const polled = await fresh<PollAnswer>(
          `${app.url}/tasks/build/poll-status?last_version=0&epoch=${epoch}`,
        );
        assert.deepEqual(
          polled.body.changes?.map((c) => [c.source, c.actor]),
          [["cli", "alice"]],
        );
        const status = await cli(["status", "--task", "build", "--json"], env);
        assert.equal(JSON.parse(status.stdout).version, 1);
        const other = await cli(["status"], env);
        assert.match(other.stdout, /^En attente \(version 0/);
      },
    );

    await t.step("tasks lists the stored tasks", async () => {
      const listed = await cli(["tasks"], env);
      assert.equal(listed.code, 0, listed.stderr);
      const lines = listed.stdout.trimEnd().split("\n");
      assert.deepEqual(lines.map((line) => line.split("\t").slice(0, 3)), [
        ["build", "En cours", "v1"],
        ["default", "En attente", "v0"],
      ]);
      const json = await cli(["tasks", "--json"], env);
      assert.equal(JSON.parse(json.stdout.split("\n")[0]).id, "build");
    });

    await t.step("wait waits for several tasks on one poll", async () => {
      await cli(["set", "terminee", "--task", "build"], env);
      await cli(["set", "echec", "--task", "deploy"], env);
      const both = await cli(
        ["wait", "--task", "build", "--task", "deploy"],
        env,
      );
      assert.equal(both.code, 1, "one ended in Échec");
      assert.match(both.stdout, /^build: Terminée/m);
      assert.match(both.stdout, /^deploy: Échec/m);
      await cli(["set", "terminee", "--task", "deploy"], env);
      const done = await cli([
        "wait",
        "--task",
        "build",
        "--task",
        "deploy",
        "--json",
      ], env);
      assert.equal(done.code, 0, done.stderr);
      assert.equal(done.stdout.trimEnd().split("\n").length, 2);
      const pending = await cli(
        ["wait", "--task", "build", "--task", "never", "--timeout", "1s"],
        env,
      );
      assert.equal(pending.code, 124);
      assert.match(pending.stderr, /never still En attente/);
    });
  } finally {
    await app.stop();
  }
});
