/**
 * Clients that watch many tasks and check that none of their changes is
 * missed: each holds one `/poll-tasks` poll at a time on its own
 * connection and polls again at once after every answer, as the board
 * does. Used by the "nothing missed" benchmark phase and its test.
 */
import { getRequest, jsonBody } from "./http_wire.ts";
import { WireConnection } from "./wire_connection.ts";

/** What one watcher saw, and every way it could have been wrong. */
export interface WatcherReport {
  /** Poll answers received. */
  answers: number;
  /** Changes taken in, over all its tasks. */
  changes: number;
  /** Versions skipped without `truncated`, as `task@from→to`: must stay empty. */
  gaps: string[];
  /** Answers with `truncated` (more than the kept history missed). */
  truncated: number;
  /** Answers with `reset`. */
  resets: number;
  /** Answers other than 200, by status. */
  failures: Record<string, number>;
  /** The version it holds of each task at the end. */
  versions: Record<string, number>;
  /** Wall-clock ms (see clock.ts) of the last answer that brought it news. */
  lastNewsAt: number;
}

/** An empty report for these tasks (each at version 0). */
function emptyReport(tasks: string[]): WatcherReport {
  return {
    answers: 0,
    changes: 0,
    gaps: [],
    truncated: 0,
    resets: 0,
    failures: {},
    versions: Object.fromEntries(tasks.map((task) => [task, 0])),
    lastNewsAt: 0,
  };
}

interface Known {
  version: number;
  epoch?: string;
}

interface Change {
  version: number;
}

interface Answer {
  version: number;
  epoch: string;
  changes?: Change[];
  truncated?: true;
  reset?: true;
}

/** Takes one task's answer in, checking that its changes follow what was known. */
export function takeAnswer(
  report: WatcherReport,
  task: string,
  known: Known,
  answer: Answer,
): void {
  if (answer.reset) {
    report.resets++;
  } else if (answer.version > known.version) {
    const changes = answer.changes ?? [];
    if (answer.truncated) report.truncated++;
    let expected = known.version + 1;
    for (const change of changes) {
      if (change.version <= known.version) continue;
      if (change.version !== expected && !answer.truncated) {
        report.gaps.push(`${task}@${expected - 1}→${change.version}`);
      }
      expected = change.version + 1;
      report.changes++;
    }
    if (expected !== answer.version + 1 && !answer.truncated) {
      report.gaps.push(`${task}@${expected - 1}→${answer.version}`);
    }
  }
  known.version = answer.version;
  known.epoch = answer.epoch;
  report.versions[task] = answer.version;
}

/** The `watch` list of a poll. */
function watchList(tasks: string[], known: Map<string, Known>): string {
  return tasks.map((task) => {
    const { version, epoch } = known.get(task)!;
    return epoch === undefined
      ? `${task}:${version}`
      : `${task}:${version}:${encodeURIComponent(epoch)}`;
  }).join(",");
}

/**
 * Watches `tasks` on the server at `port` until `done(versions)` says so
 * (checked after every answer) or `signal` aborts; resolves with what it
 * saw. `hold` is the hold asked for, in seconds.
 */
export async function watchUntil(
  port: number,
  tasks: string[],
  done: (versions: Record<string, number>) => boolean,
  signal: AbortSignal,
  hold = 2,
): Promise<WatcherReport> {
  const report = emptyReport(tasks);
  const known = new Map(tasks.map((task) => [task, { version: 0 } as Known]));
  const host = `127.0.0.1:${port}`;
  let connection: WireConnection | undefined;
  const onAbort = () => connection?.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    while (!signal.aborted && !done(report.versions)) {
      connection ??= await WireConnection.open(port, signal);
      let response;
      try {
        response = await connection.exchange(
          getRequest(
            host,
            `/poll-tasks?watch=${watchList(tasks, known)}&timeout=${hold}`,
          ),
        );
      } catch (error) {
        if (signal.aborted) break;
        // A dropped connection (a 503 closes it): open another and go on.
        connection.close();
        connection = undefined;
        const reason = error instanceof Error ? error.message : String(error);
        report.failures[reason] = (report.failures[reason] ?? 0) + 1;
        continue;
      }
      report.answers++;
      if (response.status !== 200) {
        const key = String(response.status);
        report.failures[key] = (report.failures[key] ?? 0) + 1;
        if (response.status === 503) {
          connection.close();
          connection = undefined;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        continue;
      }
      const body = jsonBody(response) as { tasks: Record<string, Answer> };
      for (const [task, answer] of Object.entries(body.tasks)) {
        const state = known.get(task);
        if (state === undefined) continue;
        if (answer.version !== state.version || answer.reset) {
          report.lastNewsAt = response.at;
        }
        takeAnswer(report, task, state, answer);
      }
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    connection?.close();
  }
  return report;
}

/** `count` watchers' task lists: `each` distinct tasks of `tasks` each, spread evenly, from `random`. */
export function spreadTasks(
  tasks: string[],
  count: number,
  each: number,
  random: () => number = Math.random,
): string[][] {
  return Array.from({ length: count }, (_, i) => {
    const picked = new Set<string>();
    // Every task is watched by someone: watcher i starts at its share.
    picked.add(tasks[(i * each) % tasks.length]);
    while (picked.size < Math.min(each, tasks.length)) {
      picked.add(tasks[Math.floor(random() * tasks.length)]);
    }
    return [...picked];
  });
}

/** Adds up watchers' reports; `finals` are each task's last version. */
export function verdict(
  reports: WatcherReport[],
  finals: Record<string, number>,
): {
  watchers: number;
  answers: number;
  changes: number;
  gaps: number;
  truncated: number;
  resets: number;
  /** Watched tasks a watcher did not end on at its final version. */
  behind: number;
  failures: Record<string, number>;
  /** The latest news any watcher got (wall-clock ms). */
  lastNewsAt: number;
} {
  let answers = 0, changes = 0, gaps = 0, truncated = 0, resets = 0;
  let behind = 0;
  let lastNewsAt = 0;
  const failures: Record<string, number> = {};
  for (const report of reports) {
    lastNewsAt = Math.max(lastNewsAt, report.lastNewsAt);
    answers += report.answers;
    changes += report.changes;
    gaps += report.gaps.length;
    truncated += report.truncated;
    resets += report.resets;
    for (const [task, version] of Object.entries(report.versions)) {
      if (version !== (finals[task] ?? 0)) behind++;
    }
    for (const [key, count] of Object.entries(report.failures)) {
      failures[key] = (failures[key] ?? 0) + count;
    }
  }
  return {
    watchers: reports.length,
    answers,
    changes,
    gaps,
    truncated,
    resets,
    behind,
    failures,
    lastNewsAt,
  };
}
