import type { Change, TaskState } from "./task_state.ts";
import type { Status } from "./statuses.ts";
import { DEFAULT_SOURCE, type Source } from "./change_source.ts";

/** What an update did. */
export type UpdateResult =
  | { kind: "changed"; state: TaskState }
  | { kind: "unchanged"; state: TaskState }
  | { kind: "conflict"; state: TaskState };

/** A request to change the status. */
export interface UpdateRequest {
  status: Status;
  /** When given, the update only applies if this is the current version. */
  expectedVersion?: number;
  /** Where the update comes from (default `api`), kept in the history. */
  source?: Source;
  /** Who sends it, kept in the history. */
  actor?: string;
}

/** What an update request does to a state, decided without I/O. */
export type Transition =
  | { kind: "conflict" | "unchanged"; state: TaskState }
  | { kind: "changed"; state: TaskState; change: Change };

/**
 * Decides an update: a stale `expectedVersion` is a conflict, the status it
 * already has changes nothing, anything else is the next version.
 */
export function transition(
  current: TaskState,
  request: UpdateRequest,
  now: Date,
): Transition {
  if (
    request.expectedVersion !== undefined &&
    request.expectedVersion !== current.version
  ) {
    return { kind: "conflict", state: current };
  }
  if (request.status === current.status) {
    return { kind: "unchanged", state: current };
  }
  const at = now.toISOString();
  const version = current.version + 1;
  return {
    kind: "changed",
    state: {
      status: request.status,
      version,
      epoch: current.epoch,
      updatedAt: at,
    },
    change: changeOf(version, request, at),
  };
}

/** The history entry of an update that made `version` at `at`. */
export function changeOf(
  version: number,
  request: UpdateRequest,
  at: string,
): Change {
  const change: Change = {
    version,
    status: request.status,
    at,
    source: request.source ?? DEFAULT_SOURCE,
  };
  if (request.actor !== undefined) change.actor = request.actor;
  return change;
}
