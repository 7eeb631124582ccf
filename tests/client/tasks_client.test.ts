/** The client's named tasks against a real server: the task option, the list, one poll for several, names and deletes. */
import assert from "node:assert/strict";
import {
  deleteTask,
  getStatus,
  getTask,
  listTasks,
  pollStatus,
  pollTasks,
  setTaskIdentity,
  StatusApiError,
  type TasksWatchEvent,
  updateStatus,
  watch,
  type WatchEvent,
  watchTasks,
} from "../../lib/client/mod.ts";
import { startApp, waitFor } from "../support/server.ts";

Deno.test("the client's calls on named tasks", async (t) => {
  const app = await startApp({ env: { POLL_TIMEOUT_MS: "3000" } });
  const url = app.url;
  try {
    await t.step(
      "every call takes a task; without one it is the default task",
      async () => {
        const answer = await updateStatus(url, "En cours", {
          task: "build",
          source: "cli",
          actor: "alice",
        });
        assert.equal(answer.version, 1);
        assert.equal(
          (await getStatus(url, { task: "build" })).status,
          "En cours",
        );
        assert.equal(
          (await getStatus(url)).version,
          0,
          "the default task is untouched",
        );
        const polled = await pollStatus(url, {
          task: "build",
          lastVersion: 0,
          epoch: answer.epoch,
        });
        assert.deepEqual(
          polled.changes?.map((c) => [c.version, c.source, c.actor]),
          [
            [1, "cli", "alice"],
          ],
        );
      },
    );

    await t.step(
      "a task can be named, read with its name, listed and deleted",
      async () => {
        const named = await setTaskIdentity(url, "build", {
          name: "Build de nuit",
          url: "https://ci.example.com/42",
        });
        assert.deepEqual(named.task, {
          id: "build",
          name: "Build de nuit",
          url: "https://ci.example.com/42",
        });
        assert.equal(
          (await getTask(url, { task: "build" })).task?.name,
          "Build de nuit",
        );
        assert.equal((await getTask(url)).task?.name, "Tâche");
        await updateStatus(url, "En cours", { task: "deploy" });
        const first = await listTasks(url, { limit: 2 });
        assert.deepEqual(first.tasks.map((task) => task.id), [
          "build",
          "default",
        ]);
        assert.equal(first.tasks[0].name, "Build de nuit");
        const second = await listTasks(url, { limit: 2, after: first.next });
        assert.deepEqual(second.tasks.map((task) => task.id), ["deploy"]);
        await deleteTask(url, "deploy");
        await assert.rejects(
          () => deleteTask(url, "deploy"),
          (error: unknown) =>
            error instanceof StatusApiError && error.status === 404,
        );
      },
    );

    await t.step("one poll answers every task behind at once", async () => {
      const build = await getStatus(url, { task: "build" });
      const answer = await pollTasks(url, [
        { id: "build", lastVersion: 0, epoch: build.epoch },
        { id: "default", lastVersion: 0, epoch: (await getStatus(url)).epoch },
      ], { timeout: 1 });
      assert.deepEqual(Object.keys(answer.tasks), ["build"]);
      assert.equal(answer.tasks.build.version, 1);
      const quiet = await pollTasks(url, [
        { id: "build", lastVersion: 1, epoch: build.epoch },
      ], { timeout: 1 });
      assert.deepEqual(quiet, { tasks: {}, timeout: true });
    });

    await t.step("watch follows one named task", async () => {
      const controller = new AbortController();
      const events: WatchEvent[] = [];
      const done = (async () => {
        for await (
          const e of watch(url, { task: "build", signal: controller.signal })
        ) {
          events.push(e);
        }
      })();
      await waitFor(
        () => events.some((e) => e.type === "snapshot"),
        5_000,
        "the snapshot",
      );
      await updateStatus(url, "Terminée", { task: "build" });
      await waitFor(
        () => events.some((e) => e.type === "change"),
        5_000,
        "the change",
      );
      controller.abort();
      await done;
      const change = events.find((e) => e.type === "change");
      assert.equal(change?.type === "change" && change.to, "Terminée");
    });

    await t.step(
      "watchTasks follows several tasks on one poll, each change once",
      async () => {
        const controller = new AbortController();
        const events: TasksWatchEvent[] = [];
        const done = (async () => {
          for await (
            const e of watchTasks(url, ["build", "fresh", "default"], {
              signal: controller.signal,
              minIntervalMs: 0,
            })
          ) {
            events.push(e);
          }
        })();
        const of = (task: string, type: string) =>
          events.filter((e) =>
            e.type === "task" && e.task === task && e.event.type === type
          );
        await waitFor(
          () =>
            ["build", "fresh", "default"].every((task) =>
              of(task, "snapshot").length === 1
            ),
          5_000,
          "a snapshot of each task, even one never set",
        );
        await updateStatus(url, "En cours", { task: "fresh" });
        await updateStatus(url, "Échec", { task: "build" });
        await updateStatus(url, "Terminée", { task: "build" });
        await waitFor(
          () =>
            of("build", "change").length === 2 &&
            of("fresh", "reset").length === 1,
          5_000,
          "every change of both",
        );
        controller.abort();
        await done;
        const builds = of("build", "change").map((e) =>
          e.type === "task" && e.event.type === "change"
            ? e.event.to
            : undefined
        );
        assert.deepEqual(builds, ["Échec", "Terminée"]);
        assert.equal(of("default", "change").length, 0);
      },
    );
  } finally {
    await app.stop();
  }
});
