/**
 * Messages between the coordinator and the load workers: one JSON object a
 * line, commands on the worker's stdin, events on its stdout. All times are
 * absolute wall-clock milliseconds (see `clock.ts`).
 */

/** Open `count` polls and keep them waiting; answers `opened`. */
export interface FanoutCommand {
  op: "fanout";
  id: number;
  port: number;
  count: number;
  lastVersion: number;
  epoch: string;
  /** Connection attempts in flight at once, so the listen queue never overflows. */
  connectConcurrency: number;
  connectTimeoutMs: number;
  /** No connection is started after this; the rest count as not opened. */
  openDeadline: number;
  /**
   * Loopback addresses to connect to in turn (default 127.0.0.1): each
   * destination address has its own range of source ports, so more
   * addresses hold more connections to one server port.
   */
  hosts?: string[];
  /**
   * Open every connection first and write the polls only on `fanout_send`:
   * the holds then start together, once the slow part is done.
   */
  connectFirst?: boolean;
}

/** Write the poll on every connection a `connectFirst` fan-out opened; answers `sent`. */
export interface FanoutSendCommand {
  op: "fanout_send";
  id: number;
}

/**
 * Stop reading the held polls until `fanout_finish`, so that their answers
 * wait in the kernel, stamped as they arrive, while the servers have the
 * cores; answers `quiet`. Only clients whose program `quiets` do this.
 */
export interface FanoutQuietCommand {
  op: "fanout_quiet";
  id: number;
}

/** Stop waiting for fan-out answers at `deadline`; answers `fanout_done`. */
export interface FanoutFinishCommand {
  op: "fanout_finish";
  id: number;
  deadline: number;
}

/** Keep `count` clients re-polling until they see `finalVersion`; answers `churn_ready` then `churn_done`. */
export interface ChurnCommand {
  op: "churn";
  id: number;
  port: number;
  count: number;
  startVersion: number;
  finalVersion: number;
  epoch: string;
  deadline: number;
}

/** Loop `GET target` on `count` keep-alive connections; answers `reads_done`. */
export interface ReadsCommand {
  op: "reads";
  id: number;
  port: number;
  count: number;
  target: string;
  startAt: number;
  endAt: number;
}

/** Close everything and exit. */
export interface ExitCommand {
  op: "exit";
}

/** Anything the coordinator sends. */
export type WorkerCommand =
  | FanoutCommand
  | FanoutSendCommand
  | FanoutQuietCommand
  | FanoutFinishCommand
  | ChurnCommand
  | ReadsCommand
  | ExitCommand;

/** How each fan-out connection ended, in parallel arrays (one entry per answer). */
export interface FanoutAnswers {
  status: number[];
  /** `version` of the JSON body, `-1` when it had none. */
  version: number[];
  at: number[];
  /** Answers with status 503 that carried `Retry-After`. */
  retryAfter: number;
  /** Hold timeouts answered before the update, each followed by a new poll. */
  repolls: number;
  /**
   * Answers the kernel gave no arrival stamp, stamped when read instead
   * (the C client; the Deno client stamps every answer when it reads it).
   */
  unstamped?: number;
  /** Connections that failed, by reason. */
  errors: Record<string, number>;
  /** Connections still waiting at the deadline. */
  unanswered: number;
}

/** What one churn client saw. */
export interface ChurnClient {
  /** Version of each answer, in order. */
  versions: number[];
  /** Completion time of each answer. */
  at: number[];
  /** Answers that were hold timeouts. */
  timeouts: number;
  /**
   * Versions in (startVersion, last seen] that neither an answer nor its
   * `changes` listed; `null` when the server sends no `changes`.
   */
  missing: number | null;
  error: string | null;
}

/** Anything a worker sends. */
export type WorkerEvent =
  | { ev: "ready" }
  | {
    ev: "opened";
    id: number;
    connected: number;
    errors: Record<string, number>;
  }
  | { ev: "sent"; id: number; sent: number }
  | { ev: "quiet"; id: number }
  | { ev: "fanout_done"; id: number; answers: FanoutAnswers }
  | {
    ev: "churn_ready";
    id: number;
    connected: number;
    errors: Record<string, number>;
  }
  | { ev: "churn_done"; id: number; clients: ChurnClient[] }
  | {
    ev: "reads_done";
    id: number;
    completed: number;
    failed: number;
    errors: Record<string, number>;
  }
  | { ev: "error"; id: number; message: string };

/** A short, countable reason for a socket error. */
export function errorReason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "AbortError" || error.name === "TimeoutError") {
      return "connect timeout";
    }
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") return code;
    return error.name === "Error" ? error.message.slice(0, 60) : error.name;
  }
  return String(error).slice(0, 60);
}
