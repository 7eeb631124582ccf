/** What {@link watch} yields: state events in version order, and connection events. */
import type { TaskState } from "../domain/task_state.ts";
import type { Status } from "../domain/statuses.ts";
import type { Source } from "../domain/change_source.ts";

/** The first state seen, and the state right after every `reset`. */
export interface SnapshotEvent {
  /** Tells the event kinds apart. */
  type: "snapshot";
  /** The state as the server has it now. */
  state: TaskState;
}

/** One transition, yielded once each and in version order. */
export interface ChangeEvent {
  /** Tells the event kinds apart. */
  type: "change";
  /** The status before this change (the last one known, after a `truncated`). */
  from: Status;
  /** The status this change set. */
  to: Status;
  /** The version this change made. */
  version: number;
  /** ISO-8601 UTC time of the change. */
  at: string;
  /** The state right after this change. */
  state: TaskState;
  /** Where the change came from (`page`, `cli` or `api`), when the server said. */
  source?: Source;
  /** Who made it, when the client that made it said. */
  actor?: string;
}

/** Some transitions are lost: the server no longer keeps them. */
export interface TruncatedEvent {
  /** Tells the event kinds apart. */
  type: "truncated";
  /** The last version seen before the hole. */
  afterVersion: number;
  /** How many versions (afterVersion+1 … afterVersion+missed) will never be yielded. */
  missed: number;
}

/** Why the client had to forget what it knew. */
export type ResetReason =
  /** The server's epoch is not the one the client had (fresh store, wiped data). */
  | "epoch"
  /** Same epoch, but the server's version is behind the client's. */
  | "version"
  /** The server said `reset` for another reason. */
  | "server";

/** The version sequence restarted: the history so far is void; a `snapshot` follows at once. */
export interface ResetEvent {
  /** Tells the event kinds apart. */
  type: "reset";
  /** Why the client had to forget what it knew. */
  reason: ResetReason;
  /** What the client knew before. */
  previous: TaskState;
  /** The server's state now (also in the `snapshot` that follows). */
  state: TaskState;
}

/** A poll was answered: first at start, then once after every `reconnecting`. */
export interface ConnectedEvent {
  /** Tells the event kinds apart. */
  type: "connected";
}

/** A poll failed; the next one starts in `delayMs` unless `retryNow()` cuts the wait short. */
export interface ReconnectingEvent {
  /** Tells the event kinds apart. */
  type: "reconnecting";
  /** 1 for the first failure in a row, then 2, 3, … */
  attempt: number;
  /** How long until the next poll, in milliseconds. */
  delayMs: number;
  /** What went wrong. */
  error: Error;
}

/** The events that describe the task's state. */
export type StateEvent =
  | SnapshotEvent
  | ChangeEvent
  | TruncatedEvent
  | ResetEvent;

/** Everything {@link watch} yields. */
export type WatchEvent = StateEvent | ConnectedEvent | ReconnectingEvent;
