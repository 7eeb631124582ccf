/** The widest bucket of deadlines, in milliseconds (a power of two). */
export const MAX_TICK_MS = 16;

/**
 * Many deadlines on one runtime timer.
 *
 * Each held poll needs a deadline, and a runtime timer per poll costs an
 * object, a timer-list entry and two calls into the runtime (arm, then clear
 * when the poll is answered): at 10,000 held polls that is most of what
 * waking them costs beyond writing the answers. Here a deadline that may
 * come a little early (a poll's hold has jitter taken off anyway) is moved
 * back onto a grid of up to 16 ms, the deadlines of one grid point share a
 * bucket, and one timer is armed for the earliest bucket. Adding or removing
 * a deadline is a Set operation.
 */
export class Deadlines {
  /** Callbacks by the time (ms on the `performance.now()` clock) they fire at. */
  #buckets = new Map<number, Set<() => void>>();
  /** The times of the buckets, ascending; may still list emptied ones. */
  #times: number[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  /** Whether the runtime timer is set; false whenever no deadline is pending. */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** Deadlines pending now. */
  get size(): number {
    let size = 0;
    for (const bucket of this.#buckets.values()) size += bucket.size;
    return size;
  }

  /**
   * Calls `onExpire` after `ms`, or up to `slackMs` sooner, never later
   * (but for the event loop's own delay), unless `delete` comes first.
   * Returns the time it will fire at, on the `performance.now()` clock,
   * which is also the key to hand to `delete`.
   */
  add(ms: number, onExpire: () => void, slackMs = 0): number {
    const due = performance.now() + ms;
    const grid = gridFor(slackMs);
    const at = grid > 1 ? Math.floor(due / grid) * grid : due;
    let bucket = this.#buckets.get(at);
    if (bucket === undefined) {
      bucket = new Set();
      this.#buckets.set(at, bucket);
      this.#insertTime(at);
    }
    bucket.add(onExpire);
    if (at < this.#armedFor) this.#arm(at);
    return at;
  }

  /** Forgets a deadline; the timer stops when none is left. */
  delete(key: number, onExpire: () => void): void {
    const bucket = this.#buckets.get(key);
    if (bucket === undefined || !bucket.delete(onExpire)) return;
    if (bucket.size > 0) return;
    this.#buckets.delete(key);
    if (this.#buckets.size === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#armedFor = Number.POSITIVE_INFINITY;
      this.#times = [];
    }
  }

  #insertTime(at: number): void {
    const times = this.#times;
    // Holds mostly share one length, so a new time is mostly the last one.
    let i = times.length;
    while (i > 0 && times[i - 1] > at) i--;
    times.splice(i, 0, at);
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = setTimeout(
      () => this.#expire(),
      Math.max(0, at - performance.now()),
    );
  }

  #expire(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let due = 0;
    while (due < this.#times.length && this.#times[due] <= now) due++;
    for (const at of this.#times.splice(0, due)) {
      const bucket = this.#buckets.get(at);
      if (bucket === undefined) continue;
      this.#buckets.delete(at);
      for (const onExpire of bucket) onExpire();
    }
    // Skip the times whose deadlines were all deleted before they came.
    const times = this.#times;
    while (times.length > 0 && !this.#buckets.has(times[0])) times.shift();
    if (times.length > 0 && this.#timer === undefined) this.#arm(times[0]);
  }
}

/**
 * The widest power-of-two grid, up to MAX_TICK_MS, that keeps within the
 * slack; 1 means none (the deadline keeps its exact time).
 */
function gridFor(slackMs: number): number {
  let grid = MAX_TICK_MS;
  while (grid > 1 && grid > slackMs) grid /= 2;
  return grid;
}
