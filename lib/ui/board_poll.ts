/** Runs the board's one multi-task poll through the client's `watchTasks`, as {@link BoardEvent}s. */
import type { FetchLike } from "../client/http.ts";
import { watchTasks } from "../client/watch_tasks.ts";
import type { BoardEvent } from "./board_state.ts";
import { describeFailure, isUnreachable } from "./connection.ts";
import { FATAL_PAUSE_MS } from "./live_poll.ts";

/** Options of {@link runBoardPoll}. */
export interface BoardPollOptions {
  signal: AbortSignal;
  /** The tasks on the board (100 at most: one poll watches them all). */
  ids: readonly string[];
  publish(event: BoardEvent): void;
  fetch?: FetchLike;
}

/**
 * Polls the board's tasks at `baseUrl` until `signal` aborts, publishing
 * each task's new state and the connection's ups and downs. `retryNow()`
 * cuts a wait short: the watch starts over at once (its first poll brings
 * every task's state).
 */
export function runBoardPoll(
  baseUrl: string,
  options: BoardPollOptions,
): { retryNow(): void } {
  const { signal, publish } = options;
  let run: AbortController | undefined;
  let waiting = false;

  const loop = async () => {
    while (!signal.aborted) {
      run = new AbortController();
      const stop = AbortSignal.any([signal, run.signal]);
      try {
        for await (
          const event of watchTasks(baseUrl, options.ids, {
            signal: stop,
            fetch: options.fetch,
          })
        ) {
          waiting = event.type === "reconnecting";
          if (event.type === "task") {
            if ("state" in event.event) {
              publish({
                type: "tasks",
                states: { [event.task]: event.event.state },
              });
            }
          } else if (event.type === "connected") {
            publish({ type: "connected" });
          } else {
            const now = Date.now();
            publish({
              type: "reconnecting",
              attempt: event.attempt,
              failedAt: now,
              retryAt: now + event.delayMs,
              reason: describeFailure(event.error),
              unreachable: isUnreachable(event.error),
            });
          }
        }
      } catch (error) {
        // An answer no retry can fix: said, then tried again after a long pause.
        const now = Date.now();
        publish({
          type: "reconnecting",
          attempt: 1,
          failedAt: now,
          retryAt: now + FATAL_PAUSE_MS,
          reason: describeFailure(error),
          unreachable: false,
        });
        waiting = true;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, FATAL_PAUSE_MS);
          stop.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
          }, { once: true });
        });
      }
    }
  };
  loop();
  return {
    retryNow() {
      // Only a watch that waits is started over; a held poll is left alone.
      if (waiting) run?.abort();
    },
  };
}
