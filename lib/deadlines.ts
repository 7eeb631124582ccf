/**
 * Many deadlines on one runtime timer.
 *
 * Each held poll needs a deadline, and a runtime timer per poll costs an
 * object, a timer-list entry and two ops (arm, then clear when the poll is
 * answered): at 10,000 held polls that is most of what waking them costs
 * beyond writing the answers. Here a deadline is rounded up to the next
 * tick, the deadlines of one tick share a bucket, and one timer is armed for
 * the earliest bucket. Adding or removing a deadline is a Set operation.
 */
export class Deadlines {
  readonly #tickMs: number;
  /** Callbacks by the tick they expire at. */
  #buckets = new Map<number, Set<() => void>>();
  /** The ticks of the buckets, ascending; may still list emptied ones. */
  #ticks: number[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  /** Deadlines fire at most `tickMs` after they are due. */
  constructor(tickMs = 20) {
    this.#tickMs = tickMs;
  }

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
   * Calls `onExpire` once `ms` have passed (up to one tick later), unless
   * `delete` comes first. Returns the tick to hand to `delete`.
   */
  add(ms: number, onExpire: () => void): number {
    const tick = Math.ceil((performance.now() + ms) / this.#tickMs);
    let bucket = this.#buckets.get(tick);
    if (bucket === undefined) {
      bucket = new Set();
      this.#buckets.set(tick, bucket);
      this.#insertTick(tick);
    }
    bucket.add(onExpire);
    if (tick < this.#armedFor) this.#arm(tick);
    return tick;
  }

  /** Forgets a deadline; the timer stops when none is left. */
  delete(tick: number, onExpire: () => void): void {
    const bucket = this.#buckets.get(tick);
    if (bucket === undefined || !bucket.delete(onExpire)) return;
    if (bucket.size > 0) return;
    this.#buckets.delete(tick);
    if (this.#buckets.size === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#armedFor = Number.POSITIVE_INFINITY;
      this.#ticks = [];
    }
  }

  #insertTick(tick: number): void {
    const ticks = this.#ticks;
    // Holds mostly share one length, so a new tick is mostly the last one.
    let i = ticks.length;
    while (i > 0 && ticks[i - 1] > tick) i--;
    ticks.splice(i, 0, tick);
  }

  #arm(tick: number): void {
    clearTimeout(this.#timer);
    this.#armedFor = tick;
    const delay = Math.max(0, tick * this.#tickMs - performance.now());
    this.#timer = setTimeout(() => this.#expire(), delay);
  }

  #expire(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let due = 0;
    while (
      due < this.#ticks.length && this.#ticks[due] * this.#tickMs <= now
    ) due++;
    for (const tick of this.#ticks.splice(0, due)) {
      const bucket = this.#buckets.get(tick);
      if (bucket === undefined) continue;
      this.#buckets.delete(tick);
      for (const onExpire of bucket) onExpire();
    }
    // Skip the ticks whose deadlines were all deleted before they came.
    const ticks = this.#ticks;
    while (ticks.length > 0 && !this.#buckets.has(ticks[0])) ticks.shift();
    if (ticks.length > 0 && this.#timer === undefined) this.#arm(ticks[0]);
  }
}
