/** The long-poll loop for several tasks on one connection: every change of each, once and in order. */
import type { TaskState } from "../domain/task_state.ts";
import { paceDelay, retryDelay, watchdogDelay } from "./backoff.ts";
import { isRetryable, PollStalledError, StatusApiError } from "./errors.ts";
import type {
  ConnectedEvent,
  ReconnectingEvent,
  StateEvent,
} from "./events.ts";
import type { FetchLike } from "./http.ts";
import { reducePoll } from "./reducer.ts";
import { pollTasks } from "./tasks.ts";
import { CONFIRM_HOLD_S, MIN_INTERVAL_MS } from "./watch.ts";

/** The epoch sent for a task not known yet: no task has it, so its state comes at once. */
const UNKNOWN_EPOCH = "-";

/** A state event of one of the watched tasks. */
export interface TaskEvent {
  /** Tells the event kinds apart. */
  type: "task";
  /** The task the event is about. */
  task: string;
  /** What happened to it, as `watch()` says it of one task. */
  event: StateEvent;
}

/** Everything {@link watchTasks} yields. */
export type TasksWatchEvent = TaskEvent | ConnectedEvent | ReconnectingEvent;

/** Options of {@link watchTasks}. */
export interface WatchTasksOptions {
  /** Ends the iteration (cleanly) and aborts the poll in flight. */
  signal?: AbortSignal;
  /** Hold time to ask for, in whole seconds; the server's own by default. */
  timeout?: number;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Source of jitter in [0, 1); `Math.random` by default. */
  random?: () => number;
  /** Least time between the starts of two requests unless the last one brought news. */
  minIntervalMs?: number;
}

/**
 * Watches up to 100 tasks with one poll at a time (`/poll-tasks`): yields
 * `connected`, then a `snapshot` of each task, then every `change` of each
 * in version order (`truncated`, `reset` as `watch()` does), each wrapped in
 * a `task` event naming its task; `reconnecting` before each backoff. Ends
 * when `signal` aborts or the consumer stops iterating; throws a
 * `StatusApiError` only for answers a retry cannot fix.
 *
 * @example
 * ```ts
 * for await (const e of watchTasks("http://localhost:3000", ["build", "deploy"])) {
 *   if (e.type === "task" && e.event.type === "change") console.log(e.task, e.event.to);
 * }
 * ```
 */
export async function* watchTasks(
  baseUrl: string | URL,
  tasks: readonly string[],
  options: WatchTasksOptions = {},
): AsyncGenerator<TasksWatchEvent> {
  const random = options.random ?? Math.random;
  const minInterval = options.minIntervalMs ?? MIN_INTERVAL_MS;
  const watchdogMs = watchdogDelay(options.timeout);
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  const known = new Map<string, TaskState>();
  let connected = false;
  let attempt = 0;
  let lastStart = Number.NEGATIVE_INFINITY;
  let paced = false;
  try {
    while (!stop.signal.aborted) {
      if (paced) {
        await sleep(paceDelay(lastStart, Date.now(), minInterval), stop.signal);
        if (stop.signal.aborted) return;
      }
      lastStart = Date.now();
      const request = new AbortController();
      const onStop = () => request.abort(stop.signal.reason);
      stop.signal.addEventListener("abort", onStop, { once: true });
      const timer = setTimeout(
        () => request.abort(new PollStalledError(watchdogMs)),
        watchdogMs,
      );
      let answer;
      try {
        answer = await pollTasks(
          baseUrl,
          tasks.map((id) => {
            const state = known.get(id);
            // An epoch no task has: a task not known yet is answered at once.
            return state === undefined
              ? { id, lastVersion: 0, epoch: UNKNOWN_EPOCH }
              : { id, lastVersion: state.version, epoch: state.epoch };
          }),
          {
            // Until every task is known, the first poll is answered at once anyway.
            timeout: connected ? options.timeout : CONFIRM_HOLD_S,
            fetch: options.fetch,
            signal: request.signal,
          },
        );
      } catch (error) {
        if (stop.signal.aborted) return;
        const cause = request.signal.aborted ? request.signal.reason : error;
        if (!isRetryable(cause)) throw cause;
        attempt += 1;
        connected = false;
        const delayMs = Math.max(
          retryDelay(
            attempt,
            cause instanceof StatusApiError ? cause.retryAfterMs : undefined,
            random,
          ),
          paceDelay(lastStart, Date.now(), minInterval),
        );
        yield {
          type: "reconnecting",
          attempt,
          delayMs,
          error: cause instanceof Error ? cause : new Error(String(cause)),
        };
        await sleep(delayMs, stop.signal);
        paced = false;
        continue;
      } finally {
        clearTimeout(timer);
        stop.signal.removeEventListener("abort", onStop);
      }
      if (!connected) {
        connected = true;
        attempt = 0;
        yield { type: "connected" };
      }
      let progress = false;
      for (const id of tasks) {
        const polled = answer.tasks[id];
        if (polled === undefined) continue;
        const reduction = reducePoll(known.get(id), polled);
        known.set(id, reduction.state);
        progress ||= reduction.progress;
        for (const event of reduction.events) {
          yield { type: "task", task: id, event };
        }
      }
      paced = !progress;
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    stop.abort();
  }
}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  if (ms <= 0 || stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener("abort", done, { once: true });
  });
}
