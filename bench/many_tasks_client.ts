/**
 * A load client of the many-tasks phases (see many_tasks.ts), run as its
 * own process: one job from the first line of stdin, events as JSON lines
 * on stdout, later commands on stdin.
 *
 * - `hold`: opens one connection per poll of a task, writes the poll,
 *   says `opened`; each answer is timed; `finish` closes everything and
 *   reports the answers.
 * - `watch`: runs watchers (task_watchers.ts) that poll several tasks
 *   again and again; `finals` tells each task's last version, after which
 *   every watcher stops once it holds them all (or at the deadline), and
 *   the verdict is reported.
 */
import { wallNow } from "./clock.ts";
import { getRequest } from "./http_wire.ts";
import { verdict, type WatcherReport, watchUntil } from "./task_watchers.ts";
import { WireConnection } from "./wire_connection.ts";

/** A poll to hold: its task, and the version and epoch it waits after. */
export interface HeldPoll {
  task: string;
  version: number;
  epoch: string;
}

/** The first line of stdin. */
export type ClientJob =
  | { op: "hold"; port: number; polls: HeldPoll[]; concurrency: number }
  | { op: "watch"; port: number; watchers: string[][]; hold: number };

/** Later lines of stdin. */
export type ClientCommand =
  /** Stop: every answer that comes by `deadline` (wall-clock ms) is reported. */
  | { op: "finish"; deadline: number }
  | { op: "finals"; finals: Record<string, number>; deadlineMs: number };

function emit(event: unknown): void {
  console.log(JSON.stringify(event));
}

async function* commands(): AsyncGenerator<unknown> {
  let pending = "";
  for await (
    const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())
  ) {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield JSON.parse(line);
    }
  }
}

async function hold(
  job: Extract<ClientJob, { op: "hold" }>,
  next: () => Promise<ClientCommand>,
): Promise<void> {
  const host = `127.0.0.1:${job.port}`;
  const connections: WireConnection[] = [];
  const answers: [number, number, number][] = [];
  let opened = 0;
  let index = 0;
  const reads: Promise<void>[] = [];
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (index < job.polls.length) {
        const i = index++;
        const { task, version, epoch } = job.polls[i];
        try {
          const connection = await WireConnection.open(job.port);
          connections.push(connection);
          await connection.write(getRequest(
            host,
            `/tasks/${task}/poll-status?last_version=${version}&epoch=${epoch}`,
          ));
          opened++;
          reads.push(
            connection.read().then(
              (response) => {
                answers.push([i, response.at, response.status]);
              },
              () => {},
            ),
          );
        } catch {
          // Counted as not opened.
        }
      }
    }),
  );
  emit({ event: "opened", connected: opened });
  const finish = await next();
  if (finish.op !== "finish") {
    throw new Error(`expected finish, got ${finish.op}`);
  }
  // Answers already sent may still be on their way: wait for them a while.
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(reads),
    new Promise((resolve) => {
      timer = setTimeout(resolve, Math.max(0, finish.deadline - wallNow()));
    }),
  ]);
  clearTimeout(timer);
  for (const connection of connections) connection.close();
  await Promise.all(reads);
  emit({ event: "done", answers });
}

async function watch(
  job: Extract<ClientJob, { op: "watch" }>,
  next: () => Promise<ClientCommand>,
): Promise<void> {
  const stop = new AbortController();
  // Set once the updates are over: each task's last version.
  const last: { finals?: Record<string, number> } = {};
  const done = (versions: Record<string, number>) => {
    const { finals } = last;
    return finals !== undefined &&
      Object.entries(versions).every(([task, v]) => v === (finals[task] ?? 0));
  };
  const running: Promise<WatcherReport>[] = job.watchers.map((tasks) =>
    watchUntil(job.port, tasks, done, stop.signal, job.hold)
  );
  emit({ event: "started", at: wallNow() });
  const command = await next();
  if (command.op !== "finals") {
    throw new Error(`expected finals, got ${command.op}`);
  }
  const { finals } = command;
  last.finals = finals;
  const timer = setTimeout(() => stop.abort(), command.deadlineMs);
  const reports = await Promise.all(running);
  clearTimeout(timer);
  emit({
    event: "done",
    verdict: verdict(reports, finals),
    gaps: reports.flatMap((r) => r.gaps).slice(0, 10),
  });
}

if (import.meta.main) {
  const lines = commands();
  const next = async <T>() => (await lines.next()).value as T;
  const job = await next<ClientJob>();
  if (job.op === "hold") await hold(job, next);
  else await watch(job, next);
  Deno.exit(0);
}
