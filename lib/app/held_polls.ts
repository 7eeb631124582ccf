/**
 * The polls held against MAX_WAITERS, counted by every worker of a process
 * together: they share one open-file limit, and every held poll is an open
 * socket, so one worker's count alone would let the process run out.
 */
export class HeldPolls {
  readonly #count: Int32Array;

  /** `shared` is a buffer from {@link HeldPolls.sharedBuffer}, given to every worker. */
  constructor(readonly max: number, shared?: SharedArrayBuffer) {
    this.#count = new Int32Array(shared ?? new ArrayBuffer(4));
  }

  /** A buffer for one count shared by the workers of a process. */
  static sharedBuffer(): SharedArrayBuffer {
    return new SharedArrayBuffer(4);
  }

  /** Polls held now, by every worker sharing the count. */
  get count(): number {
    return Atomics.load(this.#count, 0);
  }

  /** Counts one more held poll; false, counting nothing, when `max` are held already. */
  take(): boolean {
    if (Atomics.add(this.#count, 0, 1) < this.max) return true;
    Atomics.sub(this.#count, 0, 1);
    return false;
  }

  /** Counts a held poll answered. */
  release(): void {
    Atomics.sub(this.#count, 0, 1);
  }
}
