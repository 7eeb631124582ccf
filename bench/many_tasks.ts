/**
 * The many-tasks phases of `deno task bench` (opt-in: `--phases
 * many-tasks,nothing-missed`):
 *
 * - `many-tasks`: 10,000 polls held over 1,000 tasks (10 each); one task
 *   after another is updated and the time to answer its own 10 polls is
 *   measured, while every other poll must stay held; compared with the
 *   single-task fan-out of the same size (10,000 polls on one task, one
 *   update). Then the memory of 10,000 stored tasks (memory and KV stores).
 * - `nothing-missed`: 10,000 tasks, watchers polling several tasks again at
 *   once after every answer, updates to random tasks for a minute: no
 *   watcher may miss a change of a task it watches, and each must end on
 *   every watched task's last version (memory store, and KV with two
 *   `--parallel` workers, which follow each other through the change feed).
 *
 * Clients run in their own processes (many_tasks_client.ts). Results are
 * written next to the main results as `…-tasks.json` and printed as
 * markdown.
 */
import { wallNow } from "./clock.ts";
import type {
  ClientCommand,
  ClientJob,
  HeldPoll,
} from "./many_tasks_client.ts";
import { waitIdle } from "./proc_stats.ts";
import { ServerProcess, type ServerSpec } from "./server_process.ts";
import { type LatencySummary, summarise } from "./stats.ts";
import { storeTasks, updateRandomly } from "./task_updates.ts";
import { spreadTasks, verdict } from "./task_watchers.ts";
import { jsonBody, postJsonRequest } from "./http_wire.ts";
import { WireConnection } from "./wire_connection.ts";

/** The phases this module runs. */
export const TASK_PHASES = ["many-tasks", "nothing-missed"] as const;

/** Sizes of a run; smoke runs use small ones. */
export interface TaskPhaseSizes {
  polls: number;
  tasks: number;
  updates: number;
  storedTasks: number;
  missedTasks: number;
  watchers: number;
  watchedEach: number;
  updateSeconds: number;
  clients: number;
}

/** The sizes the issue asks for, or a smoke run's. */
export function taskPhaseSizes(smoke: boolean): TaskPhaseSizes {
  return smoke
    ? {
      polls: 200,
      tasks: 20,
      updates: 5,
      storedTasks: 200,
      missedTasks: 200,
      watchers: 20,
      watchedEach: 10,
      updateSeconds: 2,
      clients: 2,
    }
    : {
      polls: 10_000,
      tasks: 1_000,
      updates: 20,
      storedTasks: 10_000,
      missedTasks: 10_000,
      watchers: 1_000,
      watchedEach: 20,
      updateSeconds: 60,
      clients: 4,
    };
}

const CLIENT = new URL("./many_tasks_client.ts", import.meta.url);

/** A client process of this phase. */
class Client {
  #child: Deno.ChildProcess;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #events: ReadableStreamDefaultReader<string>;
  #pending = "";

  constructor(root: URL) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLIENT.pathname],
      cwd: root,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
      env: { NO_COLOR: "1" },
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.#events = this.#child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
  }

  async send(message: ClientJob | ClientCommand): Promise<void> {
    await this.#stdin.write(
      new TextEncoder().encode(JSON.stringify(message) + "\n"),
    );
  }

  /** The next event (a JSON line), or an error when the process ends first. */
  async next<T>(): Promise<T> {
    for (;;) {
      const newline = this.#pending.indexOf("\n");
      if (newline >= 0) {
        const line = this.#pending.slice(0, newline);
        this.#pending = this.#pending.slice(newline + 1);
        if (line.trim()) return JSON.parse(line) as T;
        continue;
      }
      const { done, value } = await this.#events.read();
      if (done) throw new Error("a load client ended early");
      this.#pending += value;
    }
  }

  async close(): Promise<void> {
    await this.#stdin.close().catch(() => {});
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await this.#child.status;
    await this.#events.cancel().catch(() => {});
  }
}

function share<T>(items: T[], parts: number): T[][] {
  return Array.from(
    { length: parts },
    (_, i) => items.filter((_, j) => j % parts === i),
  );
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const match = text.match(new RegExp(`^${name} (\\d+)$`, "m"));
  return match ? Number(match[1]) : NaN;
}

async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Each task's epoch, read from the server. */
async function epochsOf(
  port: number,
  tasks: string[],
): Promise<Map<string, string>> {
  const epochs = new Map<string, string>();
  const connection = await WireConnection.open(port);
  try {
    for (const task of tasks) {
      const response = await connection.exchange(
        new TextEncoder().encode(
          `GET /tasks/${task}/get-status HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
        ),
      );
      epochs.set(task, (jsonBody(response) as { epoch: string }).epoch);
    }
  } finally {
    connection.close();
  }
  return epochs;
}

/** What one held-poll measurement saw. */
export interface HeldRun {
  polls: number;
  tasks: number;
  connected: number;
  /** Server memory with the polls held, KiB. */
  rssHeldKiB: number | null;
  /** Updates sent, one task each. */
  updates: number;
  /** Latency of the answers to the updated tasks' polls, ms from each update. */
  latency: LatencySummary;
  /** Polls answered that watched a task nobody updated: must be 0. */
  strayAnswers: number;
  /** Polls of the updated tasks left unanswered: must be 0. */
  unanswered: number;
}

async function heldRun(
  server: ServerProcess,
  root: URL,
  sizes: { polls: number; tasks: number; updates: number; clients: number },
): Promise<HeldRun> {
  const port = server.port;
  const tasks = Array.from({ length: sizes.tasks }, (_, i) => `t-${i}`);
  const versions = await storeTasks(port, tasks);
  const epochs = await epochsOf(port, tasks);
  const polls: HeldPoll[] = Array.from({ length: sizes.polls }, (_, i) => {
    const task = tasks[i % tasks.length];
    return { task, version: versions[task], epoch: epochs.get(task)! };
  });
  const clients = Array.from({ length: sizes.clients }, () => new Client(root));
  try {
    const shares = share(polls.map((_, i) => i), clients.length);
    await Promise.all(clients.map((client, c) =>
      client.send({
        op: "hold",
        port,
        polls: shares[c].map((i) => polls[i]),
        concurrency: 64,
      })
    ));
    const opened = await Promise.all(
      clients.map((client) => client.next<{ connected: number }>()),
    );
    const connected = opened.reduce((n, o) => n + o.connected, 0);
    await until(
      async () => await metric(port, "status_waiters") === connected,
      60_000,
      `${connected} polls to be held`,
    );
    await waitIdle(server.pid, 10_000);
    const rssHeldKiB = server.rssKiB();
    const control = await WireConnection.open(port);
    const sent: { task: string; at: number }[] = [];
    const perTask = sizes.polls / sizes.tasks;
    try {
      for (let u = 0; u < sizes.updates; u++) {
        // Tasks far apart, so that each update has its own.
        const task = tasks[(u * 37) % tasks.length];
        const at = wallNow();
        const response = await control.exchange(
          postJsonRequest(`127.0.0.1:${port}`, `/tasks/${task}/update-status`, {
            status: "Terminée",
          }),
        );
        if (response.status !== 200) {
          throw new Error(`update answered ${response.status}`);
        }
        sent.push({ task, at });
        const left = connected - perTask * (u + 1);
        await until(
          async () => await metric(port, "status_waiters") <= left,
          10_000,
          `the polls of ${task} to be answered`,
        );
      }
    } finally {
      control.close();
    }
    // Answers of the updated tasks come by then; the others stay held.
    const deadline = wallNow() +
      (perTask * sent.length >= 1_000 ? 30_000 : 2_000);
    await Promise.all(
      clients.map((client) => client.send({ op: "finish", deadline })),
    );
    const done = await Promise.all(
      clients.map((client) =>
        client.next<{ answers: [number, number, number][] }>()
      ),
    );
    const updatedAt = new Map(sent.map((s) => [s.task, s.at]));
    const latencies: number[] = [];
    let stray = 0;
    let answeredUpdated = 0;
    done.forEach(({ answers }, c) => {
      for (const [local, at, status] of answers) {
        const poll = polls[shares[c][local]];
        const updated = updatedAt.get(poll.task);
        if (updated !== undefined && status === 200 && at >= updated) {
          latencies.push(at - updated);
          answeredUpdated++;
        } else if (updated === undefined) {
          // Answered though its task never changed (closing does not answer).
          stray++;
        }
      }
    });
    return {
      polls: sizes.polls,
      tasks: sizes.tasks,
      connected,
      rssHeldKiB,
      updates: sent.length,
      latency: summarise(latencies),
      strayAnswers: stray,
      unanswered: sent.length * perTask - answeredUpdated,
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/** Memory of stored tasks: the server's RSS before and after storing them. */
export interface StoredMemory {
  store: string;
  tasks: number;
  rssBeforeKiB: number | null;
  rssAfterKiB: number | null;
  kibPerTask: number | null;
}

async function storedMemory(
  server: ServerProcess,
  store: string,
  count: number,
): Promise<StoredMemory> {
  const port = server.port;
  // The same requests on one task first, so that what grows after is the tasks.
  const warmUp = await WireConnection.open(port);
  try {
    for (let i = 0; i < Math.min(count, 2_000); i++) {
      await warmUp.exchange(postJsonRequest(
        `127.0.0.1:${port}`,
        "/tasks/warm-up/update-status",
        { status: i % 2 ? "Terminée" : "Échec", actor: "bench" },
      ));
    }
  } finally {
    warmUp.close();
  }
  await waitIdle(server.pid, 5_000);
  const rssBeforeKiB = server.rssKiB();
  const tasks = Array.from({ length: count }, (_, i) => `stored-${i}`);
  await storeTasks(port, tasks);
  // Three changes each on memory, a short history as a real task has; the
  // KV store keeps nothing of a task nobody watches, one write each shows it.
  for (let round = 0; round < (store.includes("kv") ? 0 : 2); round++) {
    const connection = await WireConnection.open(port);
    try {
      for (const task of tasks) {
        await connection.exchange(postJsonRequest(
          `127.0.0.1:${port}`,
          `/tasks/${task}/update-status`,
          { status: round === 0 ? "Terminée" : "Échec", actor: "bench" },
        ));
      }
    } finally {
      connection.close();
    }
  }
  await waitIdle(server.pid, 10_000);
  const rssAfterKiB = server.rssKiB();
  const per = rssAfterKiB !== null && rssBeforeKiB !== null
    ? (rssAfterKiB - rssBeforeKiB) / count
    : null;
  return { store, tasks: count, rssBeforeKiB, rssAfterKiB, kibPerTask: per };
}

/** What a nothing-missed run saw. */
export interface MissedRun {
  server: string;
  tasks: number;
  watchers: number;
  watchedEach: number;
  updateSeconds: number;
  /** Updates that changed a status, and per second. */
  changed: number;
  changedPerSecond: number;
  updateFailures: Record<string, number>;
  answers: number;
  changesTakenIn: number;
  gaps: number;
  truncated: number;
  resets: number;
  /** Watched tasks not ended on their last version. */
  behind: number;
  watcherFailures: Record<string, number>;
  /** From the last update to every watcher holding every last version, ms. */
  settleMs: number;
  firstGaps: string[];
}

async function missedRun(
  server: ServerProcess,
  root: URL,
  sizes: TaskPhaseSizes,
): Promise<MissedRun> {
  const port = server.port;
  const tasks = Array.from({ length: sizes.missedTasks }, (_, i) => `m-${i}`);
  const finals = await storeTasks(port, tasks);
  const watchers = spreadTasks(tasks, sizes.watchers, sizes.watchedEach);
  const clients = Array.from({ length: sizes.clients }, () => new Client(root));
  try {
    const shares = share(watchers, clients.length);
    await Promise.all(
      clients.map((client, c) =>
        client.send({ op: "watch", port, watchers: shares[c], hold: 5 })
      ),
    );
    await Promise.all(clients.map((client) => client.next()));
    const end = Date.now() + sizes.updateSeconds * 1000;
    const run = await updateRandomly(port, tasks, () => Date.now() > end, 4);
    Object.assign(finals, run.finals);
    const lastUpdate = wallNow();
    await Promise.all(
      clients.map((client) =>
        client.send({ op: "finals", finals, deadlineMs: 60_000 })
      ),
    );
    const done = await Promise.all(
      clients.map((client) =>
        client.next<{
          verdict: ReturnType<typeof verdict>;
          gaps: string[];
        }>()
      ),
    );
    // From the last update's answer to the last news a watcher got.
    const settleMs = Math.max(
      0,
      Math.max(...done.map((d) => d.verdict.lastNewsAt)) - lastUpdate,
    );
    const sum = (
      key: "answers" | "changes" | "gaps" | "truncated" | "resets" | "behind",
    ) => done.reduce((n, d) => n + d.verdict[key], 0);
    const watcherFailures: Record<string, number> = {};
    for (const d of done) {
      for (const [key, count] of Object.entries(d.verdict.failures)) {
        watcherFailures[key] = (watcherFailures[key] ?? 0) + count;
      }
    }
    return {
      server: server.spec.name,
      tasks: sizes.missedTasks,
      watchers: sizes.watchers,
      watchedEach: sizes.watchedEach,
      updateSeconds: sizes.updateSeconds,
      changed: run.changed,
      changedPerSecond: run.changed / (run.elapsedMs / 1000),
      updateFailures: run.failed,
      answers: sum("answers"),
      changesTakenIn: sum("changes"),
      gaps: sum("gaps"),
      truncated: sum("truncated"),
      resets: sum("resets"),
      behind: sum("behind"),
      watcherFailures,
      settleMs,
      firstGaps: done.flatMap((d) => d.gaps).slice(0, 10),
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/** Everything the task phases measured (or why they could not). */
export interface TaskPhaseResults {
  date: string;
  sizes: TaskPhaseSizes;
  heldOverTasks?: HeldRun | { error: string };
  heldOnOneTask?: HeldRun | { error: string };
  stored: (StoredMemory | { store: string; error: string })[];
  missed: (MissedRun | { server: string; error: string })[];
}

const MEMORY: ServerSpec = {
  name: "app (memory)",
  entry: "main.ts",
  env: { STATUS_STORE: "memory", MAX_WAITERS: "100000", MAX_TASKS: "100000" },
};
const KV: ServerSpec = {
  name: "app (kv)",
  entry: "main.ts",
  env: { STATUS_STORE: "kv", MAX_WAITERS: "100000", MAX_TASKS: "100000" },
  kvPath: true,
};
const KV_PARALLEL: ServerSpec = {
  name: "start:parallel (2 workers, kv)",
  entry: "serve.ts",
  flags: ["--unstable-net"],
  env: {
    STATUS_STORE: "kv",
    DENO_JOBS: "2",
    MAX_WAITERS: "100000",
    MAX_TASKS: "100000",
  },
  kvPath: true,
};

async function withServer<T>(
  spec: ServerSpec,
  root: URL,
  run: (server: ServerProcess) => Promise<T>,
): Promise<T | { error: string }> {
  let server: ServerProcess | undefined;
  try {
    server = await ServerProcess.start(spec, root);
    return await run(server);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await server?.stop();
  }
}

/** Runs the task phases among `phases`; `log` tells progress. */
export async function runTaskPhases(
  phases: string[],
  smoke: boolean,
  root: URL,
  log: (line: string) => void,
): Promise<TaskPhaseResults> {
  const sizes = taskPhaseSizes(smoke);
  const results: TaskPhaseResults = {
    date: new Date().toISOString(),
    sizes,
    stored: [],
    missed: [],
  };
  if (phases.includes("many-tasks")) {
    log(`many tasks: ${sizes.polls} polls over ${sizes.tasks} tasks`);
    results.heldOverTasks = await withServer(
      MEMORY,
      root,
      (server) => heldRun(server, root, sizes),
    );
    log(`many tasks: ${sizes.polls} polls on one task`);
    results.heldOnOneTask = await withServer(
      MEMORY,
      root,
      (server) => heldRun(server, root, { ...sizes, tasks: 1, updates: 1 }),
    );
    for (const spec of [MEMORY, KV]) {
      log(
        `many tasks: memory of ${sizes.storedTasks} stored tasks, ${spec.name}`,
      );
      const stored = await withServer(
        spec,
        root,
        (server) => storedMemory(server, spec.name, sizes.storedTasks),
      );
      results.stored.push(
        "error" in stored ? { store: spec.name, ...stored } : stored,
      );
    }
  }
  if (phases.includes("nothing-missed")) {
    for (const spec of [MEMORY, KV_PARALLEL]) {
      log(
        `nothing missed: ${sizes.missedTasks} tasks, ${sizes.watchers} watchers, ${sizes.updateSeconds} s, ${spec.name}`,
      );
      const missed = await withServer(
        spec,
        root,
        (server) => missedRun(server, root, sizes),
      );
      results.missed.push(
        "error" in missed ? { server: spec.name, ...missed } : missed,
      );
    }
  }
  return results;
}

const ms = (n: number) => Number.isFinite(n) ? n.toFixed(1) : "–";

/** The results as markdown. */
export function renderTaskPhases(results: TaskPhaseResults): string {
  const lines = [`## Many tasks (${results.date})`, ""];
  const held = (label: string, run?: HeldRun | { error: string }) => {
    if (run === undefined) return;
    if ("error" in run) {
      lines.push(`| ${label} | failed: ${run.error} |||||||`);
      return;
    }
    lines.push(
      `| ${label} | ${run.connected} | ${run.tasks} | ${run.updates} | ${
        ms(run.latency.p50)
      } | ${ms(run.latency.p99)} | ${
        ms(run.latency.max)
      } | ${run.strayAnswers} / ${run.unanswered} |`,
    );
  };
  if (results.heldOverTasks || results.heldOnOneTask) {
    lines.push(
      "| held polls | polls | tasks | updates | p50 ms | p99 ms | max ms | stray / unanswered |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    held("over many tasks, one task updated at a time", results.heldOverTasks);
    held("all on one task (single-task fan-out)", results.heldOnOneTask);
    lines.push("");
  }
  if (results.stored.length > 0) {
    lines.push(
      "| stored tasks | tasks | RSS before MiB | RSS after MiB | KiB per task |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const s of results.stored) {
      if ("error" in s) lines.push(`| ${s.store} | failed: ${s.error} ||||`);
      else {
        lines.push(
          `| ${s.store} | ${s.tasks} | ${
            ((s.rssBeforeKiB ?? NaN) / 1024).toFixed(0)
          } | ${((s.rssAfterKiB ?? NaN) / 1024).toFixed(0)} | ${
            s.kibPerTask?.toFixed(2) ?? "–"
          } |`,
        );
      }
    }
    lines.push("");
  }
  if (results.missed.length > 0) {
    lines.push(
      "| nothing missed | tasks | watchers × tasks | changes (per s) | answers | missed | truncated | resets | behind at end | last news after the last update, ms |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const m of results.missed) {
      if ("error" in m) {
        lines.push(`| ${m.server} | failed: ${m.error} |||||||||`);
      } else {
        lines.push(
          `| ${m.server} | ${m.tasks} | ${m.watchers} × ${m.watchedEach} | ${m.changed} (${
            m.changedPerSecond.toFixed(0)
          }) | ${m.answers} | ${m.gaps} | ${m.truncated} | ${m.resets} | ${m.behind} | ${
            m.settleMs.toFixed(0)
          } |`,
        );
      }
    }
  }
  return lines.join("\n");
}
