/** Runs a parsed command against the server; every effect goes through `CliIo`. */
import {
  type FetchLike,
  getTask,
  listTasks,
  updateStatus,
  watch,
  watchTasks,
} from "../client/mod.ts";
import type { TaskState } from "../domain/task_state.ts";
import type { Command } from "./args.ts";
import { formatDuration } from "./duration.ts";
import { EXIT } from "./exit_codes.ts";
import {
  failure,
  formatReconnecting,
  formatState,
  formatTaskLine,
  formatUpdate,
  formatWatchJson,
  formatWatchLine,
} from "./format.ts";
import { PROGRAM } from "./help.ts";
import { waitVerdict } from "./wait_rule.ts";

/** Where a command's effects go. */
export interface CliIo {
  /** Writes one line to stdout. */
  out(line: string): void;
  /** Writes one line to stderr. */
  err(line: string): void;
  /** Aborted to stop the command; a numeric `reason` is the exit code to end with. */
  stop: AbortSignal;
  fetch?: FetchLike;
  now?: () => Date;
  /** Time zone of printed times; the local one by default. */
  timeZone?: string;
}

/** Runs `command` and resolves with the process exit code. */
export async function runCommand(command: Command, io: CliIo): Promise<number> {
  try {
    switch (command.name) {
      case "status":
        return await runStatus(command, io);
      case "set":
        return await runSet(command, io);
      case "watch":
        return await runWatch(command, io);
      case "wait":
        return command.tasks !== undefined && command.tasks.length > 1
          ? await runWaitMany(command, command.tasks, io)
          : await runWait(command, io);
      case "tasks":
        return await runTasks(command, io);
    }
  } catch (error) {
    if (io.stop.aborted) return stopCode(io.stop);
    const { message, code } = failure(error, command.url);
    io.err(`${PROGRAM}: ${message}`);
    return code;
  }
}

function stopCode(signal: AbortSignal): number {
  return typeof signal.reason === "number" ? signal.reason : EXIT.interrupted;
}

type Of<N extends Command["name"]> = Extract<Command, { name: N }>;

async function runStatus(command: Of<"status">, io: CliIo): Promise<number> {
  // The server's state with what the task is (`task`), as it answers it.
  const state = await getTask(command.url, {
    signal: io.stop,
    fetch: io.fetch,
    task: command.task,
  });
  io.out(
    command.json ? JSON.stringify(state) : formatState(state, io.timeZone),
  );
  return EXIT.ok;
}

async function runSet(command: Of<"set">, io: CliIo): Promise<number> {
  const answer = await updateStatus(command.url, command.status, {
    signal: io.stop,
    fetch: io.fetch,
    token: command.token,
    expectedVersion: command.expectVersion,
    task: command.task,
    source: "cli",
    actor: command.actor,
  });
  io.out(command.json ? JSON.stringify(answer) : formatUpdate(answer));
  return EXIT.ok;
}

async function runWatch(command: Of<"watch">, io: CliIo): Promise<number> {
  const now = io.now ?? (() => new Date());
  let connected = false;
  let lost = false;
  for await (
    const event of watch(command.url, {
      signal: io.stop,
      fetch: io.fetch,
      task: command.task,
    })
  ) {
    switch (event.type) {
      case "connected":
        if (lost) io.err(`${PROGRAM}: reconnected to ${command.url}`);
        connected = true;
        lost = false;
        break;
      case "reconnecting":
        // Unreachable at start is a usage-level failure; later it is weather.
        if (!connected && !lost) throw event.error;
        lost = true;
        io.err(`${PROGRAM}: ${formatReconnecting(event)}`);
        break;
      default:
        io.out(
          command.json
            ? formatWatchJson(event)
            : formatWatchLine(event, now(), io.timeZone),
        );
    }
  }
  return stopCode(io.stop);
}

async function runWait(command: Of<"wait">, io: CliIo): Promise<number> {
  const timedOut = new AbortController();
  const stop = new AbortController();
  const onStop = () => stop.abort();
  io.stop.addEventListener("abort", onStop, { once: true });
  timedOut.signal.addEventListener("abort", onStop, { once: true });
  const timer = command.timeoutMs === undefined
    ? undefined
    : setTimeout(() => timedOut.abort(), command.timeoutMs);
  if (io.stop.aborted) onStop();

  let state: TaskState | undefined;
  let connected = false;
  try {
    for await (
      const event of watch(command.url, {
        signal: stop.signal,
        fetch: io.fetch,
        task: command.tasks?.[0],
      })
    ) {
      switch (event.type) {
        case "connected":
          connected = true;
          break;
        case "reconnecting":
          if (!connected && state === undefined) throw event.error;
          io.err(`${PROGRAM}: ${formatReconnecting(event)}`);
          break;
        case "snapshot":
        case "change": {
          state = event.state;
          const verdict = waitVerdict(state.status, command.until);
          if (verdict !== undefined) {
            io.out(
              command.json
                ? JSON.stringify(state)
                : formatState(state, io.timeZone),
            );
            return verdict;
          }
          break;
        }
        case "reset":
          io.err(
            `${PROGRAM}: ${
              formatWatchLine(event, io.now?.() ?? new Date(), io.timeZone)
            }`,
          );
          break;
      }
    }
  } finally {
    clearTimeout(timer);
    io.stop.removeEventListener("abort", onStop);
  }
  if (timedOut.signal.aborted && !io.stop.aborted) {
    const target = command.until ?? "Terminée or Échec";
    const now = state
      ? `; still ${state.status} (version ${state.version})`
      : "; the server never answered";
    io.err(
      `${PROGRAM}: timed out after ${
        formatDuration(command.timeoutMs ?? 0)
      } waiting for ${target}${now}`,
    );
    return EXIT.timeout;
  }
  return stopCode(io.stop);
}

async function runTasks(command: Of<"tasks">, io: CliIo): Promise<number> {
  let after: string | undefined;
  do {
    const page = await listTasks(command.url, {
      signal: io.stop,
      fetch: io.fetch,
      after,
      limit: 1000,
    });
    for (const task of page.tasks) {
      io.out(
        command.json ? JSON.stringify(task) : formatTaskLine(task, io.timeZone),
      );
    }
    after = page.next;
  } while (after !== undefined);
  return EXIT.ok;
}

/**
 * `wait` for several tasks, on one poll: done once each has its verdict;
 * exits 0 when every one reached its target, else 1.
 */
async function runWaitMany(
  command: Of<"wait">,
  tasks: string[],
  io: CliIo,
): Promise<number> {
  const timedOut = new AbortController();
  const stop = new AbortController();
  const onStop = () => stop.abort();
  io.stop.addEventListener("abort", onStop, { once: true });
  timedOut.signal.addEventListener("abort", onStop, { once: true });
  const timer = command.timeoutMs === undefined
    ? undefined
    : setTimeout(() => timedOut.abort(), command.timeoutMs);
  if (io.stop.aborted) onStop();

  const states = new Map<string, TaskState>();
  const verdicts = new Map<string, number>();
  let connected = false;
  try {
    for await (
      const event of watchTasks(command.url, tasks, {
        signal: stop.signal,
        fetch: io.fetch,
      })
    ) {
      if (event.type === "connected") {
        connected = true;
        continue;
      }
      if (event.type === "reconnecting") {
        if (!connected && states.size === 0) throw event.error;
        io.err(`${PROGRAM}: ${formatReconnecting(event)}`);
        continue;
      }
      const { task, event: change } = event;
      if (change.type === "reset") {
        io.err(
          `${PROGRAM}: ${task}: ${
            formatWatchLine(change, io.now?.() ?? new Date(), io.timeZone)
          }`,
        );
        continue;
      }
      if (change.type !== "snapshot" && change.type !== "change") continue;
      states.set(task, change.state);
      const verdict = waitVerdict(change.state.status, command.until);
      if (verdict === undefined || verdicts.has(task)) continue;
      verdicts.set(task, verdict);
      io.out(
        command.json
          ? JSON.stringify({ task, ...change.state })
          : `${task}: ${formatState(change.state, io.timeZone)}`,
      );
      if (verdicts.size === tasks.length) {
        return [...verdicts.values()].every((v) => v === EXIT.ok)
          ? EXIT.ok
          : EXIT.failed;
      }
    }
  } finally {
    clearTimeout(timer);
    io.stop.removeEventListener("abort", onStop);
  }
  if (timedOut.signal.aborted && !io.stop.aborted) {
    const waiting = tasks.filter((task) => !verdicts.has(task)).map((task) => {
      const state = states.get(task);
      return state ? `${task} still ${state.status}` : `${task} unknown`;
    });
    io.err(
      `${PROGRAM}: timed out after ${
        formatDuration(command.timeoutMs ?? 0)
      } waiting for ${command.until ?? "Terminée or Échec"}; ${
        waiting.join(", ")
      }`,
    );
    return EXIT.timeout;
  }
  return stopCode(io.stop);
}
