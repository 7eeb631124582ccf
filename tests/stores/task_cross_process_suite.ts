/**
 * Named tasks on a store shared by several app processes (or the workers
 * of one), seen over HTTP: each task's polls are woken by updates sent to
 * any of them, versions stay contiguous per task, and deletes and
 * identities reach them all. Each shared store's test file runs it.
 */
import assert from "node:assert/strict";
import type { PollAnswer } from "../../lib/domain/task_state.ts";
import { type Status, STATUSES } from "../../lib/domain/statuses.ts";
import { waitFor } from "../support/server.ts";
import { fetchVia, fresh, httpClients } from "../support/http.ts";

/** Servers sharing one store: where to send requests, and how many polls they hold together. */
export interface SharedServers {
  /** Base URLs: one per process, or one for the workers of one process. */
  urls: string[];
  /** Resolves once the servers hold `count` polls between them. */
  holding(count: number): Promise<boolean>;
  stop(): Promise<void>;
}

const TASKS = ["alpha", "bravo", "charlie", "delta", "echo"];

async function setStatus(
  url: string,
  task: string,
  status: Status,
): Promise<{ code: number; body: { version: number; epoch: string } }> {
  return await fresh(`${url}/tasks/${task}/update-status`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status, source: "api", actor: "test" }),
  });
}

/**
 * Registers the named-task cases for one shared store; `start` opens
 * fresh servers on a fresh, empty store for each test.
 */
export function taskCrossProcessSuite(
  name: string,
  start: () => Promise<SharedServers>,
  options: { ignore?: boolean } = {},
): void {
  const test = (
    title: string,
    fn: (servers: SharedServers) => Promise<void>,
  ) =>
    Deno.test(`${name}: ${title}`, options, async () => {
      const servers = await start();
      try {
        await fn(servers);
      } finally {
        await servers.stop();
      }
    });

  test("an update of one task sent anywhere wakes that task's polls everywhere, and only those", async (servers) => {
    const { urls } = servers;
    const epochs: Record<string, string> = {};
    for (const task of TASKS) {
      const set = await setStatus(urls[0], task, "En cours");
      assert.equal(set.code, 200);
      epochs[task] = set.body.epoch;
    }
    using clients = httpClients(24);
    const stop = new AbortController();
    const single = (task: string, i: number) =>
      fetchVia(
        clients[i % clients.length],
        `${
          urls[i % urls.length]
        }/tasks/${task}/poll-status?last_version=1&epoch=${epochs[task]}`,
        { signal: stop.signal },
      ).then(async (r) => await r.json() as PollAnswer);
    const watch = TASKS.map((task) => `${task}:1:${epochs[task]}`).join(",");
    const multi = (i: number) =>
      fetchVia(
        clients[(i + 7) % clients.length],
        `${urls[i % urls.length]}/poll-tasks?watch=${watch}`,
        { signal: stop.signal },
      ).then(async (r) =>
        await r.json() as { tasks: Record<string, PollAnswer> }
      );
    const onCharlie = Array.from({ length: 8 }, (_, i) => single("charlie", i));
    const onOthers = Array.from(
      { length: 8 },
      (_, i) => single(i % 2 ? "alpha" : "echo", i),
    );
    const multis = Array.from({ length: 4 }, (_, i) => multi(i));
    const others = Promise.allSettled(onOthers);
    await waitFor(() => servers.holding(20), 15_000, "20 polls to be held");
    const sent = await setStatus(urls[urls.length - 1], "charlie", "Échec");
    assert.equal(sent.body.version, 2);
    for (const answer of await Promise.all(onCharlie)) {
      assert.equal(answer.version, 2);
      assert.deepEqual(
        answer.changes?.map((c) => [c.version, c.status, c.source, c.actor]),
        [[2, "Échec", "api", "test"]],
      );
    }
    for (const answer of await Promise.all(multis)) {
      assert.deepEqual(Object.keys(answer.tasks), ["charlie"]);
      assert.equal(answer.tasks.charlie.version, 2);
    }
    await waitFor(
      () => servers.holding(8),
      10_000,
      "the other tasks' polls to stay held",
    );
    stop.abort();
    await others;
  });

  test("concurrent updates of several tasks sent anywhere get contiguous versions per task", async (servers) => {
    using clients = httpClients(20);
    const tasks = TASKS.slice(0, 3);
    const answers = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        const task = tasks[i % tasks.length];
        const response = await fetchVia(
          clients[i % clients.length],
          `${
            servers.urls[i % servers.urls.length]
          }/tasks/${task}/update-status`,
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ status: STATUSES[(i >> 1) % 4] }),
          },
        );
        const body = await response.json();
        assert.equal(response.status, 200, JSON.stringify(body));
        return { task, body };
      }),
    );
    for (const task of tasks) {
      const changed = answers.filter((a) =>
        a.task === task && a.body.message === "Statut mis à jour avec succès"
      );
      const versions = changed.map((a) => a.body.version as number).sort((
        x,
        y,
      ) => x - y);
      assert.deepEqual(versions, versions.map((_, i) => i + 1), task);
      assert.equal(new Set(changed.map((a) => a.body.epoch)).size, 1);
      for (const url of servers.urls) {
        await waitFor(
          async () =>
            (await fresh<{ version: number }>(
              `${url}/tasks/${task}/get-status`,
            ))
              .body.version === versions.length,
          5_000,
          `${task} at version ${versions.length} everywhere`,
        );
      }
    }
  });

  test("a delete or an identity sent anywhere reaches every poll and page", async (servers) => {
    const { urls } = servers;
    const set = await setStatus(urls[0], "bravo", "En cours");
    const held = fresh<PollAnswer>(
      `${
        urls[0]
      }/tasks/bravo/poll-status?last_version=1&epoch=${set.body.epoch}`,
    );
    await waitFor(() => servers.holding(1), 10_000, "the poll to be held");
    const deleted = await fresh<{ deleted: string }>(
      `${urls[urls.length - 1]}/tasks/bravo`,
      { method: "DELETE" },
    );
    assert.deepEqual(deleted.body, { deleted: "bravo" });
    const answer = (await held).body;
    assert.equal(answer.reset, true);
    assert.equal(answer.version, 0);
    const named = await fresh(`${urls[urls.length - 1]}/tasks/delta`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Delta" }),
    });
    assert.equal(named.code, 200);
    for (const url of urls) {
      const state = await fresh<{ task: { name: string } }>(
        `${url}/tasks/delta/get-status`,
      );
      assert.equal(state.body.task.name, "Delta");
    }
    const listed = await fresh<{ tasks: { id: string; name: string }[] }>(
      `${urls[0]}/tasks`,
      { headers: { accept: "application/json" } },
    );
    assert.deepEqual(
      listed.body.tasks.map((t) => [t.id, t.name]),
      [["default", "Tâche"], ["delta", "Delta"]],
    );
  });
}
