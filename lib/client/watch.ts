/** The one long-poll loop: every change once and in order, through failures, restarts and proxies. */
import type { TaskState } from "../domain/task_state.ts";
import { paceDelay, retryDelay, watchdogDelay } from "./backoff.ts";
import { isRetryable, PollStalledError, StatusApiError } from "./errors.ts";
import type { WatchEvent } from "./events.ts";
import { type FetchLike, pollStatus } from "./http.ts";
import { reducePoll } from "./reducer.ts";

/** Two requests a second at most, whatever the server answers. */
export const MIN_INTERVAL_MS = 500;

/**
 * The hold asked for, in seconds, by a poll that must confirm the connection
 * (the first one after a failure, or the first from a known state): a held
 * poll is only answered when something changes, so without it `connected`
 * could come a whole hold time after the server is back.
 */
export const CONFIRM_HOLD_S = 1;

/** Options of {@link watch}. */
export interface WatchOptions {
  /** Ends the iteration (cleanly, without an error) and aborts the poll in flight. */
  signal?: AbortSignal;
  /** Hold time to ask for, in whole seconds (the `timeout` query); the server's own by default. */
  timeout?: number;
  /**
   * A state the caller already has (say, rendered into the page): no
   * snapshot is emitted for it, and the first poll waits for what comes
   * after it.
   */
  initial?: TaskState;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** The task to watch; the `default` task when not given. */
  task?: string;
  /** Source of jitter in [0, 1); `Math.random` by default. */
  random?: () => number;
  /** Least time between the starts of two requests unless the last one brought news. */
  minIntervalMs?: number;
  /** How long a poll may stay unanswered before it is dropped: the hold time + 5 s by default. */
  watchdogMs?: number;
}

/** A running watch: iterate it once for its events. */
export interface StatusWatch extends AsyncIterable<WatchEvent> {
  /**
   * Cuts the current backoff short (call it when the browser comes back
   * `online` or a hidden tab becomes visible); the retry still starts no
   * sooner than `minIntervalMs` after the previous request. Does nothing
   * while a poll is in flight or once the watch has ended.
   */
  retryNow(): void;
}

/**
 * Watches the task at `baseUrl` (`options.task`, else `default`): yields `connected`, then a `snapshot`, then
 * every `change` in version order (none skipped; `truncated` where the
 * server no longer had them), `reset` + `snapshot` when the server's
 * sequence restarts, and `reconnecting` before each backoff. Ends when
 * `signal` aborts or the consumer stops iterating; throws a
 * `StatusApiError` only for answers a retry cannot fix (4xx other than 408
 * and 429).
 */
export function watch(
  baseUrl: string | URL,
  options: WatchOptions = {},
): StatusWatch {
  return new Watcher(baseUrl, options);
}

class Watcher implements StatusWatch {
  #baseUrl: string | URL;
  #options: WatchOptions;
  #started = false;
  #lastStart = Number.NEGATIVE_INFINITY;
  #wake: (() => void) | undefined;

  constructor(baseUrl: string | URL, options: WatchOptions) {
    this.#baseUrl = baseUrl;
    this.#options = options;
  }

  retryNow(): void {
    this.#wake?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    if (this.#started) throw new Error("a watch can be iterated only once");
    this.#started = true;
    return this.#run();
  }

  async *#run(): AsyncGenerator<WatchEvent> {
    const { signal, timeout, fetch } = this.#options;
    const random = this.#options.random ?? Math.random;
    const minInterval = this.#options.minIntervalMs ?? MIN_INTERVAL_MS;
    const watchdogMs = this.#options.watchdogMs ?? watchdogDelay(timeout);

    // Our own controller, so that leaving the loop early also aborts.
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();

    let known = this.#options.initial;
    let connected = false;
    let confirming = known !== undefined;
    let attempt = 0;
    let paced = false;
    try {
      while (!stop.signal.aborted) {
        if (paced) {
          await this.#sleep(
            paceDelay(this.#lastStart, Date.now(), minInterval),
            stop.signal,
            minInterval,
          );
          if (stop.signal.aborted) return;
        }
        this.#lastStart = Date.now();
        let answer;
        try {
          answer = await this.#pollGuarded(known, {
            timeout: confirming ? CONFIRM_HOLD_S : timeout,
            fetch,
            stop: stop.signal,
            watchdogMs,
          });
        } catch (error) {
          if (stop.signal.aborted) return;
          if (!isRetryable(error)) throw error;
          attempt += 1;
          connected = false;
          confirming = known !== undefined;
          const serverDelay = error instanceof StatusApiError
            ? error.retryAfterMs
            : undefined;
          const delayMs = Math.max(
            retryDelay(attempt, serverDelay, random),
            paceDelay(this.#lastStart, Date.now(), minInterval),
          );
          yield {
            type: "reconnecting",
            attempt,
            delayMs,
            error: error instanceof Error ? error : new Error(String(error)),
          };
          await this.#sleep(delayMs, stop.signal, minInterval);
          paced = false;
          continue;
        }
        confirming = false;
        if (!connected) {
          connected = true;
          attempt = 0;
          yield { type: "connected" };
        }
        const reduction = reducePoll(known, answer);
        known = reduction.state;
        paced = !reduction.progress;
        for (const event of reduction.events) yield event;
      }
    } finally {
      this.#wake = undefined;
      signal?.removeEventListener("abort", onAbort);
      stop.abort();
    }
  }

  /** One poll under its own controller, dropped by the watchdog if it outlives the hold. */
  async #pollGuarded(
    known: TaskState | undefined,
    how: {
      timeout: number | undefined;
      fetch: FetchLike | undefined;
      stop: AbortSignal;
      watchdogMs: number;
    },
  ) {
    const request = new AbortController();
    const onStop = () => request.abort(how.stop.reason);
    how.stop.addEventListener("abort", onStop, { once: true });
    const timer = setTimeout(
      () => request.abort(new PollStalledError(how.watchdogMs)),
      how.watchdogMs,
    );
    try {
      return await pollStatus(this.#baseUrl, {
        lastVersion: known?.version,
        epoch: known?.epoch,
        timeout: how.timeout,
        fetch: how.fetch,
        signal: request.signal,
        task: this.#options.task,
      });
    } catch (error) {
      // Some fetch implementations reject with a generic AbortError: report the cause.
      throw request.signal.aborted && !how.stop.aborted
        ? request.signal.reason
        : error;
    } finally {
      clearTimeout(timer);
      how.stop.removeEventListener("abort", onStop);
    }
  }

  /** Waits `ms`, or less when stopped or woken by `retryNow()` (never under the pacing floor). */
  #sleep(ms: number, stop: AbortSignal, minInterval: number): Promise<void> {
    if (ms <= 0 || stop.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        stop.removeEventListener("abort", done);
        resolve();
      }
      stop.addEventListener("abort", done, { once: true });
      this.#wake = () => {
        this.#wake = undefined;
        clearTimeout(timer);
        timer = setTimeout(
          done,
          paceDelay(this.#lastStart, Date.now(), minInterval),
        );
      };
    }).finally(() => {
      this.#wake = undefined;
    });
  }
}
