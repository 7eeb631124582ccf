import type { Status } from "./statuses.ts";

/** The state of the task as it crosses the wire. */
export interface TaskState {
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
  version: number;
  status: Status;
  at: string;
}

/** The answer to a poll: the state, plus what the client missed or why it must resync. */
export interface PollAnswer extends TaskState {
  changes?: Change[];
  truncated?: true;
  reset?: true;
  timeout?: true;
}

/** The answer to a successful update. */
export interface UpdateAnswer extends TaskState {
  message: string;
}
