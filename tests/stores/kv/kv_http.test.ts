/**
 * The KV store through the real server: restarts, concurrent writers,
 * several workers on one database, and a database that cannot be opened.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type {
  Change,
  PollAnswer,
  TaskState,
} from "../../../lib/domain/task_state.ts";
import { type Status, STATUSES } from "../../../lib/domain/statuses.ts";
import {
  type AppProcess,
  runAppToExit,
  startApp,
  waitFor,
} from "../../support/server.ts";
import { fetchVia, fresh, metric, postStatus } from "../../support/http.ts";
import { captureOutput } from "../../support/output.ts";

const ROOT = new URL("../../../", import.meta.url);

/** A fresh folder for a KV file, and the environment that points the app at it. */
async function kvFolder(): Promise<{
  path: string;
  env: Record<string, string>;
  dispose(): Promise<void>;
}> {
  const path = await Deno.makeTempDir({ prefix: "kv_http_test_" });
  return {
    path,
    env: { STATUS_STORE: "kv", KV_PATH: join(path, "status.kv") },
    dispose: () => Deno.remove(path, { recursive: true }),
  };
}

/**
 * Reads a metric over fresh connections until two different values show up
 * (each read lands on either worker of a two-worker server) or `reads` run
 * out: the values of both workers, or of one when they are equal or the
 * other was never reached.
 */
async function workerValues(
  url: string,
  name: string,
  reads = 64,
): Promise<number[]> {
  const seen = new Set<number>();
  for (let i = 0; i < reads && seen.size < 2; i++) {
    seen.add(await metric(url, name));
  }
  return [...seen];
}

/**
 * The two workers' shares of `total`, when the values read are exactly that:
 * two values adding up to it, or one value that is half of it (both equal).
 * Undefined otherwise (a worker not reached, or values changing meanwhile).
 */
function shares(values: number[], total: number): [number, number] | undefined {
  if (values.length === 2 && values[0] + values[1] === total) {
    return [values[0], values[1]];
  }
  if (values.length === 1 && values[0] * 2 === total) {
    return [values[0], values[0]];
  }
  return undefined;
}

const CURRENT_ANSWERS = 'status_poll_answers_total\\{outcome="current"\\}';

/**
 * Waits until both workers take connections: `deno serve` says it listens
 * once its first worker does, and the second may still be loading.
 */
async function waitForTwoWorkers(url: string): Promise<void> {
  let sent = 0;
  await waitFor(
    async () => {
      // One more "current" answer, counted by whichever worker takes it.
      await fresh(`${url}/poll-status`);
      sent++;
      const split = shares(await workerValues(url, CURRENT_ANSWERS, 16), sent);
      return split !== undefined && split[0] > 0 && split[1] > 0;
    },
    30_000,
    "both workers to take connections",
  );
}

Deno.test("kv store over HTTP: a restart after SIGKILL keeps the status, version, epoch and history", async () => {
  const folder = await kvFolder();
  let app: AppProcess | undefined;
  try {
    app = await startApp({ env: folder.env });
    for (const status of ["En cours", "Échec", "Terminée"] as const) {
      const response = await postStatus(app.url, { status });
      assert.equal(response.status, 200);
      await response.body?.cancel();
    }
    const before = (await fresh<TaskState>(`${app.url}/get-status`)).body;
    assert.equal(before.version, 3);
    await app.stop("SIGKILL");

    app = await startApp({ env: folder.env });
    const after = (await fresh<TaskState>(`${app.url}/get-status`)).body;
    assert.deepEqual(after, before);

    const behind = await fresh<PollAnswer>(
      `${app.url}/poll-status?last_version=1&epoch=${before.epoch}`,
    );
    assert.equal(behind.body.reset, undefined);
    assert.deepEqual(
      behind.body.changes?.map((c) => [c.version, c.status]),
      [[2, "Échec"], [3, "Terminée"]],
    );

    const url = app.url;
    const held = fresh<PollAnswer>(
      `${url}/poll-status?last_version=3&epoch=${before.epoch}`,
    );
    await waitFor(
      async () => await metric(url, "status_waiters") === 1,
      5_000,
      "the poll to be held",
    );
    const response = await postStatus(url, { status: "En cours" });
    await response.body?.cancel();
    const woken = (await held).body;
    assert.equal(woken.reset, undefined);
    assert.equal(woken.epoch, before.epoch);
    assert.equal(woken.version, 4);
    assert.deepEqual(woken.changes?.map((c) => [c.version, c.status]), [[
      4,
      "En cours",
    ]]);
  } finally {
    await app?.stop();
    await folder.dispose();
  }
});

Deno.test("kv store over HTTP: 200 concurrent updates get contiguous, distinct versions", async () => {
  const folder = await kvFolder();
  const app = await startApp({ env: folder.env });
  const clients = Array.from({ length: 20 }, () => Deno.createHttpClient({}));
  try {
    const { epoch } = (await fresh<TaskState>(`${app.url}/get-status`)).body;

    // Follows every version as it is made, from before the first update.
    let target = Number.POSITIVE_INFINITY;
    const recording = (async () => {
      const seen = new Map<number, Status>([[0, "En attente"]]);
      let version = 0;
      while (version < target) {
        const answer = (await fresh<PollAnswer>(
          `${app.url}/poll-status?last_version=${version}&epoch=${epoch}&timeout=1`,
        )).body;
        assert.equal(answer.reset, undefined);
        assert.equal(
          answer.truncated,
          undefined,
          "the recorder fell 100 versions behind",
        );
        for (const change of answer.changes ?? []) {
          assert.equal(change.version, version + 1);
          seen.set(change.version, change.status);
          version = change.version;
        }
      }
      return seen;
    })();

    const requests = Array.from({ length: 200 }, (_, i) => ({
      status: STATUSES[i % STATUSES.length],
      // One in five is a compare-and-set with a guess that is mostly stale.
      expected_version: i % 5 === 0 ? Math.floor(i / 3) : undefined,
    }));
    const answers = await Promise.all(requests.map(async (body, i) => {
      const response = await postStatus(
        app.url,
        body,
        clients[i % clients.length],
      );
      return { code: response.status, body: await response.json(), sent: body };
    }));
    const final = (await fresh<TaskState>(`${app.url}/get-status`)).body;
    target = final.version;
    const history = await recording;

    assert.deepEqual(new Set(answers.map((a) => a.code)), new Set([200, 409]));
    const changed = answers.filter((a) =>
      a.code === 200 && a.body.message === "Statut mis à jour avec succès"
    );
    const versions = changed.map((a) => a.body.version as number).sort((x, y) =>
      x - y
    );
    assert.deepEqual(
      versions,
      versions.map((_, i) => i + 1),
      "contiguous and distinct",
    );
    assert.equal(final.version, versions.length);
    // As many versions as changed answers: no 409 and no "unchanged" made one.
    assert.deepEqual([...history.keys()].sort((x, y) => x - y), [
      0,
      ...versions,
    ]);
    for (const answer of answers.filter((a) => a.code === 200)) {
      assert.equal(history.get(answer.body.version), answer.body.status);
      assert.equal(answer.body.status, answer.sent.status);
    }
    const conflicts = answers.filter((a) => a.code === 409);
    assert.ok(conflicts.length > 0, "some compare-and-set requests conflicted");
    for (const conflict of conflicts) {
      assert.notEqual(conflict.body.version, conflict.sent.expected_version);
    }
  } finally {
    for (const client of clients) client.close();
    await app.stop();
    await folder.dispose();
  }
});

/** A `deno serve --parallel` process running serve.ts. */
interface ServeProcess {
  url: string;
  output(): string;
  stop(): Promise<Deno.CommandStatus>;
}

/** `deno serve --parallel` on serve.ts, on an ephemeral loopback port. */
const SERVE_PARALLEL = [
  "serve",
  "-A",
  "--parallel",
  "--host",
  "127.0.0.1",
  "--port",
  "0",
  "serve.ts",
];

/** Starts serve.ts under `deno serve --parallel` with `DENO_JOBS` workers on an ephemeral port. */
async function startParallel(
  env: Record<string, string>,
  jobs = 2,
): Promise<ServeProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: SERVE_PARALLEL,
    cwd: ROOT,
    env: { NO_COLOR: "1", DENO_JOBS: String(jobs), ...env },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const output = captureOutput(child);
  let stopping: Promise<Deno.CommandStatus> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // already exited
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const exited = await Promise.race([
        child.status.then(() => true),
        new Promise<false>((resolve) =>
          timer = setTimeout(() => resolve(false), 10_000)
        ),
      ]);
      clearTimeout(timer);
      if (!exited) child.kill("SIGKILL");
      const status = await child.status;
      await output.done;
      if (!exited) {
        throw new Error(
          `deno serve did not exit within 10 s of SIGTERM:\n${output.text()}`,
        );
      }
      return status;
    })();
  let exited = false;
  child.status.then(() => exited = true);
  try {
    await waitFor(
      () =>
        exited ||
        /Listening on http:\/\/127\.0\.0\.1:\d+/.test(output.text()),
      30_000,
      "deno serve to listen",
    );
    assert.ok(!exited, `deno serve exited:\n${output.text()}`);
  } catch (error) {
    await stop();
    throw error;
  }
  const port = output.text().match(
    /Listening on http:\/\/127\.0\.0\.1:(\d+)/,
  )![1];
  return { url: `http://127.0.0.1:${port}`, output: output.text, stop };
}

/**
 * Holds `count` polls at the current version over many connections, sends
 * one update through `updateUrl`, and checks that every poll got it.
 * Returns the time from the update to the last answer.
 */
async function wakeAll(
  pollUrls: string[],
  updateUrl: string,
  count: number,
  whenHeld: () => Promise<boolean>,
): Promise<number> {
  const state = (await fresh<TaskState>(`${updateUrl}/get-status`)).body;
  const clients = Array.from({ length: 25 }, () => Deno.createHttpClient({}));
  try {
    const polls = Array.from({ length: count }, async (_, i) => {
      const url = pollUrls[i % pollUrls.length];
      const response = await fetchVia(
        clients[i % clients.length],
        `${url}/poll-status?last_version=${state.version}&epoch=${state.epoch}`,
      );
      const body = await response.json() as PollAnswer;
      return { code: response.status, body, at: performance.now() };
    });
    await waitFor(whenHeld, 10_000, `${count} polls to be held`);
    const next = state.status === "En cours" ? "Terminée" : "En cours";
    const sentAt = performance.now();
    using client = Deno.createHttpClient({});
    const response = await postStatus(updateUrl, { status: next }, client);
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const answers = await Promise.all(polls);
    for (const { code, body } of answers) {
      assert.equal(code, 200);
      assert.equal(body.timeout, undefined, "a held poll was not woken");
      assert.equal(body.version, state.version + 1);
      assert.deepEqual(
        body.changes?.map((c: Change) => [c.version, c.status]),
        [[state.version + 1, next]],
      );
    }
    return Math.max(...answers.map((a) => a.at)) - sentAt;
  } finally {
    for (const client of clients) client.close();
  }
}

Deno.test("kv store over HTTP: deno serve --parallel wakes polls held by every worker", async () => {
  const folder = await kvFolder();
  const server = await startParallel({
    ...folder.env,
    POLL_TIMEOUT_MS: "20000",
  });
  try {
    await waitForTwoWorkers(server.url);
    const wakeTimes: number[] = [];
    let splitRounds = 0;
    // Each connection lands on either worker: go on until polls were held by
    // both workers at once and each worker has taken at least one update.
    for (let round = 1;; round++) {
      let held: [number, number] | undefined;
      wakeTimes.push(
        await wakeAll([server.url], server.url, 200, async () => {
          held = shares(await workerValues(server.url, "status_waiters"), 200);
          return held !== undefined;
        }),
      );
      if (held && held[0] > 0 && held[1] > 0) splitRounds++;
      const updates = shares(
        await workerValues(server.url, "status_updates_total"),
        round,
      );
      if (
        round >= 3 && splitRounds >= 2 && updates && updates[0] > 0 &&
        updates[1] > 0
      ) break;
      assert.ok(
        round < 30,
        "in 30 rounds, polls and updates never reached both workers",
      );
    }
    console.log(
      `2 workers, ${wakeTimes.length} rounds of 200 polls: last poll answered ${
        wakeTimes.map((ms) => ms.toFixed(1)).join(", ")
      } ms after the update`,
    );

    // On SIGTERM every worker answers the polls it holds, closes its store and ends.
    const state = (await fresh<TaskState>(`${server.url}/get-status`)).body;
    const clients = Array.from({ length: 10 }, () => Deno.createHttpClient({}));
    try {
      const polls = Array.from({ length: 40 }, async (_, i) => {
        const response = await fetchVia(
          clients[i % clients.length],
          `${server.url}/poll-status?last_version=${state.version}&epoch=${state.epoch}`,
        );
        return {
          code: response.status,
          body: await response.json() as PollAnswer,
        };
      });
      await waitFor(
        async () =>
          shares(await workerValues(server.url, "status_waiters"), 40) !==
            undefined,
        10_000,
        "40 polls to be held",
      );
      const status = await server.stop();
      assert.equal(status.success, true, server.output());
      for (const { code, body } of await Promise.all(polls)) {
        assert.equal(code, 200);
        assert.equal(body.version, state.version);
        assert.equal(body.timeout, undefined);
      }
    } finally {
      for (const client of clients) client.close();
    }
  } finally {
    await server.stop();
    await folder.dispose();
  }
});

Deno.test("kv store over HTTP: two processes on one KV file wake each other's polls", async () => {
  const folder = await kvFolder();
  const env = { ...folder.env, POLL_TIMEOUT_MS: "10000" };
  const [a, b] = await Promise.all([startApp({ env }), startApp({ env })]);
  try {
    const held = async () =>
      await metric(a.url, "status_waiters") === 100 &&
      await metric(b.url, "status_waiters") === 100;
    const throughA = await wakeAll([a.url, b.url], a.url, 200, held);
    const throughB = await wakeAll([a.url, b.url], b.url, 200, held);
    console.log(
      `2 processes, 200 polls: last answered ${throughA.toFixed(0)} ms and ${
        throughB.toFixed(0)
      } ms after the update`,
    );
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await folder.dispose();
  }
});

Deno.test("kv store over HTTP: a KV_PATH that cannot be used stops the server with one line naming it", async (t) => {
  const folder = await kvFolder();
  try {
    const file = join(folder.path, "notes.txt");
    await Deno.writeTextFile(file, "not a database\n");
    const cases = [
      ["a folder that cannot be created", join(file, "data", "status.kv")],
      ["a file that is not a KV database", file],
    ] as const;
    for (const [what, path] of cases) {
      await t.step(what, async () => {
        const { code, output } = await runAppToExit({
          STATUS_STORE: "kv",
          KV_PATH: path,
        });
        assert.notEqual(code, 0);
        const lines = output.trim().split("\n");
        assert.equal(lines.length, 1, output);
        assert.match(lines[0], /^error: KV_PATH /);
        assert.ok(lines[0].includes(path), output);
      });
    }
  } finally {
    await folder.dispose();
  }
});

Deno.test("kv store over HTTP: deno serve --parallel refuses the memory store, saying why", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: SERVE_PARALLEL,
    cwd: ROOT,
    env: { NO_COLOR: "1", DENO_JOBS: "2", STATUS_STORE: "memory" },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const output = new TextDecoder().decode(out.stderr) +
    new TextDecoder().decode(out.stdout);
  assert.notEqual(out.code, 0);
  const errors = output.split("\n").filter((line) => line.includes("error:"));
  assert.equal(errors.length, 1, output);
  assert.match(errors[0], /STATUS_STORE=memory/);
});
