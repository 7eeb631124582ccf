/**
 * The connections of a server by what they are waiting for, with their
 * deadlines: which ones are past due, and which to close first when the
 * process runs short of descriptors. Pure bookkeeping: the clock is passed
 * in and closing is the caller's.
 */

/**
 * What a connection is doing. Only `active` (a request being handled, such
 * as a held poll) has no deadline and is never shed.
 */
export type Phase =
  /** Answered; waiting for the client to close after `Connection: close`. */
  | "closing"
  /** Keep-alive, between two requests. */
  | "idle"
  /** Waiting for (the rest of) a request head. */
  | "head"
  /** Waiting for (the rest of) a request body. */
  | "body"
  /** Writing a response the client does not read fast enough. */
  | "send"
  | "active";

type Timed = Exclude<Phase, "active">;

/** What the table keeps of a connection. */
export interface Tracked {
  /** Undefined until it enters the table, and again once removed. */
  phase: Phase | undefined;
  /** When it entered its phase (ms, monotonic). */
  since: number;
  /** When its phase runs out (ms); Infinity while active. */
  deadline: number;
}

/** The order in which phases are shed: the cheapest loss first. */
const SHED_ORDER: readonly Timed[] = [
  "closing",
  "idle",
  "head",
  "body",
  "send",
];
/** Answered, or between requests: closing them cuts no request short. */
const CHEAP: readonly Timed[] = ["closing", "idle"];

/** Connections per phase. */
export type PhaseCounts = Record<Phase, number>;

/** The connections of one server, grouped by phase in the order they entered it. */
export class ConnectionTable<T extends Tracked> {
  readonly #timed: Record<Timed, Set<T>> = {
    closing: new Set(),
    idle: new Set(),
    head: new Set(),
    body: new Set(),
    send: new Set(),
  };
  #active = 0;

  /** Moves `conn` into `phase` at `now`, due at `deadline` (ignored for active). */
  enter(conn: T, phase: Phase, now: number, deadline = Infinity): void {
    this.#leave(conn);
    conn.phase = phase;
    conn.since = now;
    if (phase === "active") {
      conn.deadline = Infinity;
      this.#active++;
    } else {
      conn.deadline = deadline;
      this.#timed[phase].add(conn);
    }
  }

  /** Forgets `conn` (it closed). */
  remove(conn: T): void {
    this.#leave(conn);
  }

  #leave(conn: T): void {
    if (conn.phase === "active") this.#active--;
    else if (conn.phase !== undefined) this.#timed[conn.phase].delete(conn);
    conn.phase = undefined;
  }

  /** Every connection whose deadline has passed at `now`. */
  expired(now: number): T[] {
    const due: T[] = [];
    for (const phase of SHED_ORDER) {
      for (const conn of this.#timed[phase]) {
        if (conn.deadline <= now) due.push(conn);
      }
    }
    return due;
  }

  /**
   * The connection to close first when descriptors run short: one answered
   * and waiting for the client to close, then the longest idle, then the
   * oldest unfinished head, body or send; only one that has been in its
   * phase for `graceMs` at least, so that a client that just connected and
   * is sending its request is left alone. `cheapOnly` looks at the first
   * two kinds only, which have lost nothing or wait for nothing.
   */
  sheddable(now: number, graceMs: number, cheapOnly = false): T | undefined {
    for (const phase of cheapOnly ? CHEAP : SHED_ORDER) {
      for (const conn of this.#timed[phase]) {
        // Sets keep insertion order: the first is the oldest in the phase.
        // An answered one waiting for the client's close has lost nothing.
        if (phase === "closing" || now - conn.since >= graceMs) return conn;
        break;
      }
    }
    return undefined;
  }

  /** How many connections are in each phase. */
  counts(): PhaseCounts {
    return {
      closing: this.#timed.closing.size,
      idle: this.#timed.idle.size,
      head: this.#timed.head.size,
      body: this.#timed.body.size,
      send: this.#timed.send.size,
      active: this.#active,
    };
  }

  /** Every connection not in a request, for closing them at shutdown. */
  waiting(): T[] {
    return SHED_ORDER.flatMap((phase) => [...this.#timed[phase]]);
  }
}
