/** One poll for several tasks (`GET /poll-tasks?watch=a:3,b:7:EPOCH`): its query and its decision. */
import type { Missed } from "./history.ts";
import { decidePoll, type PollOutcome } from "./poll_rule.ts";
import { parseTaskId } from "./task_id.ts";
import type { PollAnswer, TaskState } from "./task_state.ts";

/** Most tasks one poll may watch. */
export const MAX_WATCHED_TASKS = 100;

/** One watched task: the version (and epoch) the client has. */
export interface WatchedTask {
  id: string;
  lastVersion: number;
  epoch?: string;
}

/** Reading a `watch` list: the tasks, or what was wrong with it. */
export type WatchListParse =
  | { ok: true; tasks: WatchedTask[] }
  | { ok: false; error: string };

const EXAMPLE = "e.g. watch=build:3,deploy:0:EPOCH";

/**
 * Reads `id:version[:epoch]` entries separated by commas: 1 to
 * {@link MAX_WATCHED_TASKS} of them, each id once.
 */
export function parseWatchList(text: string | null): WatchListParse {
  if (text === null || text === "") {
    return {
      ok: false,
      error: `watch must list the tasks with the versions you have, ${EXAMPLE}`,
    };
  }
  const entries = text.split(",");
  if (entries.length > MAX_WATCHED_TASKS) {
    return {
      ok: false,
      error:
        `watch lists ${entries.length} tasks: one poll watches at most ${MAX_WATCHED_TASKS}`,
    };
  }
  const tasks: WatchedTask[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const first = entry.indexOf(":");
    const second = first === -1 ? -1 : entry.indexOf(":", first + 1);
    if (first === -1) {
      return {
        ok: false,
        error: `watch entry ${
          JSON.stringify(entry)
        } must be id:version or id:version:epoch, ${EXAMPLE}`,
      };
    }
    const id = parseTaskId(entry.slice(0, first));
    if (!id.ok) return { ok: false, error: `watch: ${id.error}` };
    const version = entry.slice(first + 1, second === -1 ? undefined : second);
    if (!/^\d+$/.test(version) || Number(version) > Number.MAX_SAFE_INTEGER) {
      return {
        ok: false,
        error:
          `watch: the version of ${id.id} must be a non-negative integer up to 2^53-1, got ${
            JSON.stringify(version)
          }`,
      };
    }
    if (seen.has(id.id)) {
      return {
        ok: false,
        error: `watch lists ${id.id} twice: each task once`,
      };
    }
    seen.add(id.id);
    const task: WatchedTask = { id: id.id, lastVersion: Number(version) };
    if (second !== -1) {
      const epoch = entry.slice(second + 1);
      if (epoch === "") {
        return {
          ok: false,
          error: `watch: the epoch of ${id.id} is empty`,
        };
      }
      task.epoch = epoch;
    }
    tasks.push(task);
  }
  return { ok: true, tasks };
}

/** What a watched task's hub says now. */
export interface WatchedNow {
  state: TaskState;
  changesSince(version: number): Missed;
}

/** Answer now with these tasks, or hold until one of them changes. */
export type MultiPollDecision =
  | {
    kind: "now";
    answers: { id: string; outcome: PollOutcome; answer: PollAnswer }[];
  }
  | { kind: "hold" };

/**
 * Decides a multi-task poll as single polls are decided, task by task:
 * every task that is behind or must reset is answered at once; when none
 * is, the poll is held.
 */
export function decideMultiPoll(
  watched: WatchedTask[],
  now: (id: string) => WatchedNow,
): MultiPollDecision {
  const answers: {
    id: string;
    outcome: PollOutcome;
    answer: PollAnswer;
  }[] = [];
  for (const task of watched) {
    const hub = now(task.id);
    const decision = decidePoll(
      hub.state,
      (version) => hub.changesSince(version),
      { lastVersion: task.lastVersion, epoch: task.epoch },
    );
    if (decision.kind === "now") {
      answers.push({
        id: task.id,
        outcome: decision.outcome,
        answer: decision.answer,
      });
    }
  }
  return answers.length > 0 ? { kind: "now", answers } : { kind: "hold" };
}
