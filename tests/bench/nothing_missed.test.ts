/**
 * Nothing missed, at a small scale: 200 tasks, 50 clients each watching 20
 * of them through one multi-task poll and polling again at once after
 * every answer, while updates go to random tasks for three seconds. No
 * client may miss a change of a task it watches, and each ends on every
 * watched task's last version. (`deno task bench --many-tasks` runs the
 * same at 10,000 tasks.)
 */
import assert from "node:assert/strict";
import { startApp } from "../support/server.ts";
import { spreadTasks, verdict, watchUntil } from "../../bench/task_watchers.ts";
import { storeTasks, updateRandomly } from "../../bench/task_updates.ts";

Deno.test("no client misses a change of a task it watches while 200 tasks change at random", async () => {
  const app = await startApp({ env: { POLL_TIMEOUT_MS: "5000" } });
  const stop = new AbortController();
  try {
    const tasks = Array.from({ length: 200 }, (_, i) => `task-${i}`);
    const finals = await storeTasks(app.port, tasks);
    let settled = false;
    const done = (versions: Record<string, number>) =>
      settled &&
      Object.entries(versions).every(([task, v]) => v === finals[task]);
    const watchers = spreadTasks(tasks, 50, 20).map((watched) =>
      watchUntil(app.port, watched, done, stop.signal)
    );
    const deadline = Date.now() + 3_000;
    const run = await updateRandomly(
      app.port,
      tasks,
      () => Date.now() > deadline,
    );
    assert.deepEqual(run.failed, {});
    assert.ok(run.changed > 100, `only ${run.changed} changes`);
    Object.assign(finals, run.finals);
    settled = true;
    const timer = setTimeout(() => stop.abort(), 15_000);
    const reports = await Promise.all(watchers);
    clearTimeout(timer);
    const result = verdict(reports, finals);
    assert.deepEqual(
      {
        gaps: result.gaps,
        behind: result.behind,
        truncated: result.truncated,
        resets: result.resets,
        failures: result.failures,
      },
      { gaps: 0, behind: 0, truncated: 0, resets: 0, failures: {} },
      reports.flatMap((r) => r.gaps).slice(0, 5).join(", "),
    );
    assert.ok(
      result.changes >= run.changed,
      "every change was seen by someone",
    );
    console.log(
      `${run.changed} changes in ${
        (run.elapsedMs / 1000).toFixed(1)
      } s to 200 tasks, 50 clients: ${result.answers} answers, ${result.changes} changes taken in, none missed`,
    );
  } finally {
    stop.abort();
    await app.stop();
  }
});
