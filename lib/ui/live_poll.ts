/** Runs this tab's long poll through the one client, as {@link LiveEvent}s. */
// The client's modules themselves, not mod.ts: what mod.ts re-exports would
// all be reachable from the page's bundle, the board's client code included.
import type { FetchLike } from "../client/http.ts";
import { watch } from "../client/watch.ts";
import type { TaskState } from "../domain/task_state.ts";
import { describeFailure } from "./connection.ts";
import { type LiveEvent, toLiveEvent } from "./live_state.ts";

/** How long to wait before starting over after an answer no retry can fix (a 4xx). */
export const FATAL_PAUSE_MS = 30_000;

/** Options of {@link runLivePoll}. */
export interface LivePollOptions {
  signal: AbortSignal;
  /** A state already shown: the first poll waits for what comes after it. */
  initial?: TaskState;
  publish(event: LiveEvent): void;
  fetch?: FetchLike;
}

/**
 * Polls `baseUrl` until `signal` aborts, publishing every event. The client
 * retries what can be retried; should it give up (the server refuses the
 * request itself), the page says so and starts over after a long pause.
 */
export function runLivePoll(
  baseUrl: string,
  options: LivePollOptions,
): { retryNow(): void } {
  const { signal, publish } = options;
  let known = options.initial;
  let retry: () => void = () => {};

  const loop = async () => {
    while (!signal.aborted) {
      const current = watch(baseUrl, {
        signal,
        initial: known,
        fetch: options.fetch,
      });
      retry = () => current.retryNow();
      try {
        for await (const event of current) {
          if ("state" in event) known = event.state;
          const live = toLiveEvent(event, Date.now());
          if (live !== undefined) publish(live);
        }
      } catch (error) {
        const now = Date.now();
        publish({
          type: "reconnecting",
          attempt: 1,
          failedAt: now,
          retryAt: now + FATAL_PAUSE_MS,
          reason: describeFailure(error),
          // The server answered, and a retry cannot fix what it said.
          unreachable: false,
        });
        await pause(FATAL_PAUSE_MS, signal, (wake) => retry = wake);
      }
    }
  };
  loop();
  return { retryNow: () => retry() };
}

function pause(
  ms: number,
  signal: AbortSignal,
  onWake: (wake: () => void) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    onWake(done);
  });
}
