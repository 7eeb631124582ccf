import { setImmediate } from "node:timers";
import { Deadlines } from "./deadlines.ts";

/** How a wait ended. */
export type WaitOutcome<T> =
  | { kind: "changed"; value: T }
  | { kind: "timeout" }
  | { kind: "aborted" };

/** Takes a published value; false when its wait had already ended. */
export type Waiter<T> = (value: T) => boolean | void;

/**
 * Hands each waiter its own promise and wakes them all with one value, a
 * slice at a time when there are thousands.
 *
 * Waiters live in a Set, so a waiter that gives up (timeout or abort) is
 * removed at once in O(1) and leaves no closure behind: a single shared
 * promise would keep every abandoned reaction alive until the next change.
 * Their timeouts share one timer (see `Deadlines`).
 */
export class Broadcaster<T> {
  #waiters = new Set<Waiter<T>>();
  readonly #deadlines: Deadlines;

  /** `deadlines` times the waits out; tests pass their own to inspect it. */
  constructor(deadlines = new Deadlines()) {
    this.#deadlines = deadlines;
  }

  /** Waiters held now. */
  get size(): number {
    return this.#waiters.size;
  }

  /**
   * Resolves with the next published value, or when `timeoutMs` passes (or
   * up to `slackMs` sooner, which lets waits share a timer), or when
   * `signal` aborts, whichever comes first. Registration happens
   * synchronously, so nothing published after this call can be missed.
   * Whatever ends the wait, the deadline, the abort listener and the waiter
   * are all released, once.
   */
  wait(
    timeoutMs: number,
    signal?: AbortSignal,
    slackMs = 0,
  ): Promise<WaitOutcome<T>> {
    if (signal?.aborted) return Promise.resolve({ kind: "aborted" });
    return new Promise((resolve) => {
      let done = false;
      const finish = (outcome: WaitOutcome<T>): boolean => {
        if (done) return false;
        done = true;
        this.#deadlines.delete(deadline, onTimeout);
        signal?.removeEventListener("abort", onAbort);
        this.#waiters.delete(onValue);
        resolve(outcome);
        return true;
      };
      const onValue = (value: T) => finish({ kind: "changed", value });
      const onAbort = () => finish({ kind: "aborted" });
      const onTimeout = () => finish({ kind: "timeout" });
      this.#waiters.add(onValue);
      const deadline = this.#deadlines.add(timeoutMs, onTimeout, slackMs);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Calls `onValue` with the next published value, once, unless the
   * returned function removes it first. For waits that listen to several
   * broadcasters and end on the first value (see `waitAny`).
   */
  listen(onValue: Waiter<T>): () => void {
    this.#waiters.add(onValue);
    return () => {
      this.#waiters.delete(onValue);
    };
  }

  /**
   * Wakes every current waiter with `value`; returns how many there are.
   * The first {@link WAKE_SLICE} wake now, the rest a slice per turn of the
   * event loop (see `wakeInSlices`); `onMissed` is called for each of those
   * whose wait ended another way (abort, timeout) before its turn came.
   */
  publish(value: T, onMissed?: () => void): number {
    const waiters = this.#waiters;
    // Waiters that register while we wake these wait for the next value.
    this.#waiters = new Set();
    if (waiters.size <= WAKE_SLICE) {
      for (const wake of waiters) wake(value);
    } else wakeInSlices([...waiters], value, 0, onMissed);
    return waiters.size;
  }
}

/** Waiters woken in one turn of the event loop. */
export const WAKE_SLICE = 128;

/**
 * Wakes thousands of waiters a slice at a time: each slice's answers are
 * made and written before the next slice is woken, so the first clients
 * read theirs while the server is still making the others. Woken all at
 * once, every answer would wait until all of them were made.
 */
function wakeInSlices<T>(
  waiters: Waiter<T>[],
  value: T,
  from: number,
  onMissed?: () => void,
): void {
  const end = Math.min(from + WAKE_SLICE, waiters.length);
  for (let i = from; i < end; i++) {
    if (waiters[i](value) === false) onMissed?.();
  }
  if (end < waiters.length) {
    setImmediate(() => wakeInSlices(waiters, value, end, onMissed));
  }
}
