import type { Status } from "./statuses.ts";
import type { Source } from "./change_source.ts";

/** The state of the task as it crosses the wire. */
export interface TaskState {
  /** One of the four statuses. */
  status: Status;
  /** 0 at first start, +1 for every update that changes the status. */
  version: number;
  /** Changes whenever the version sequence restarts. */
  epoch: string;
  /** ISO-8601 UTC time of the last change (of the start, for version 0). */
  updatedAt: string;
}

/** One transition, as listed in a poll answer's `changes`. */
export interface Change {
  /** The version this change made. */
  version: number;
  /** The status it set. */
  status: Status;
  /** ISO-8601 UTC time of the change. */
  at: string;
  /** Where it came from: the page, the command line or another API client. */
  source: Source;
  /** Who made it, as the client said (a user name, say); absent when not said. */
  actor?: string;
}

/** The answer to a poll: the state, plus what the client missed or why it must resync. */
export interface PollAnswer extends TaskState {
  /** The changes after the client's version, oldest first, when it was behind. */
  changes?: Change[];
  /** Older changes than the first listed were missed and are no longer kept. */
  truncated?: true;
  /** The client's version or epoch is not the server's: start over from this state. */
  reset?: true;
  /** The hold ended with no change. */
  timeout?: true;
}

/** The answer to a successful update. */
export interface UpdateAnswer extends TaskState {
  /** A sentence for people, in French. */
  message: string;
}
