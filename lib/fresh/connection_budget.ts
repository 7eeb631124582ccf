/**
 * How many connections a process may hold, counted across every server of
 * the process: the workers of one process share one open-file limit, so
 * they share one count (in a SharedArrayBuffer).
 */

/** Where a connection stands against the budget, as it is accepted. */
export type Admission = "ok" | "shed" | "refuse";

/** Connections at most: past `soft` the oldest idle or slow ones are closed; past `hard` new ones get 503. */
export interface ConnectionCaps {
  soft: number;
  hard: number;
}

/** Connections at most when the open-file limit is unknown. */
export const UNLIMITED_CONNECTIONS = 1_000_000;

/**
 * The caps for a process with `limit` open files at most, `inUse` of them
 * already open for other things (its store, its standard streams, the
 * listener). A reserve stays free for files opened later (static files, a
 * reconnecting store): an eighth of what is left, from 8 to 512.
 */
export function connectionCaps(
  limit: number | undefined,
  inUse: number,
): ConnectionCaps {
  if (limit === undefined) {
    return { soft: UNLIMITED_CONNECTIONS, hard: UNLIMITED_CONNECTIONS };
  }
  const available = Math.max(2, limit - inUse);
  const reserve = Math.min(512, Math.max(8, Math.floor(available / 8)));
  const soft = Math.max(1, available - reserve);
  const hard = Math.max(soft, available - Math.floor(reserve / 2));
  return { soft, hard };
}

const OPEN = 0;
const SHED = 1;
/** Pending requests to shed at most: more would only close more than needed. */
const MAX_SHED_REQUESTS = 64;

/** A count of open connections, local to a server or shared by the workers of a process. */
export class ConnectionBudget {
  readonly #cells: Int32Array;

  /** `shared` is a buffer from {@link ConnectionBudget.sharedBuffer}, given to every worker. */
  constructor(readonly caps: ConnectionCaps, shared?: SharedArrayBuffer) {
    this.#cells = new Int32Array(shared ?? new ArrayBuffer(8));
  }

  /** A buffer to share one budget between the workers of a process. */
  static sharedBuffer(): SharedArrayBuffer {
    return new SharedArrayBuffer(8);
  }

  /** Open connections now, in every server sharing the budget. */
  get open(): number {
    return Atomics.load(this.#cells, OPEN);
  }

  /** Counts a new connection and says what to do about it. */
  opened(): Admission {
    const open = Atomics.add(this.#cells, OPEN, 1) + 1;
    if (open <= this.caps.soft) return "ok";
    return open <= this.caps.hard ? "shed" : "refuse";
  }

  /** Counts a connection closed. */
  closed(): void {
    Atomics.sub(this.#cells, OPEN, 1);
  }

  /** Asks whichever server sharing the budget has an idle connection to close one. */
  askShed(): void {
    if (Atomics.load(this.#cells, SHED) < MAX_SHED_REQUESTS) {
      Atomics.add(this.#cells, SHED, 1);
    }
  }

  /** Forgets every pending request to shed (there is room again). */
  dropShedRequests(): void {
    Atomics.store(this.#cells, SHED, 0);
  }

  /** Takes one pending request to shed; false when there is none. */
  takeShedRequest(): boolean {
    for (;;) {
      const pending = Atomics.load(this.#cells, SHED);
      if (pending <= 0) return false;
      if (
        Atomics.compareExchange(this.#cells, SHED, pending, pending - 1) ===
          pending
      ) {
        return true;
      }
    }
  }
}
