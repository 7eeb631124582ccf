/**
 * What an update or an identity does to a task's stored record, decided
 * without I/O, for every store alike: a task that was never stored reads
 * as {@link unsetStatus} and is stored, with a fresh epoch, by the first
 * update that changes it (or by storing its identity).
 */
import { appendChange } from "./history.ts";
import {
  freshStatus,
  type StoredStatus,
  unsetStatus,
} from "./stored_record.ts";
import type { StoredIdentity } from "./task_identity.ts";
import type { TaskState } from "./task_state.ts";
import {
  transition,
  type UpdateRequest,
  type UpdateResult,
} from "./update_rule.ts";

/** An update decided on a task's record. */
export type RecordUpdate =
  | { kind: "unchanged" | "conflict"; state: TaskState }
  | {
    kind: "changed";
    state: TaskState;
    /** The record to write. */
    record: StoredStatus;
    /** True when the task was not stored before (it counts against MAX_TASKS from now on). */
    created: boolean;
  };

/**
 * Decides `request` on `stored` (undefined: never stored, reading as
 * unset since `since`). A first change stores the task under `epoch`.
 */
export function decideTaskUpdate(
  stored: StoredStatus | undefined,
  request: UpdateRequest,
  now: Date,
  since: Date,
  epoch: string,
): RecordUpdate {
  const current = stored ?? unsetStatus(since);
  const step = transition(current.state, request, now);
  if (step.kind !== "changed") return { kind: step.kind, state: step.state };
  if (stored === undefined) {
    const state = { ...step.state, epoch };
    return {
      kind: "changed",
      state,
      record: { state, history: [step.change] },
      created: true,
    };
  }
  const record: StoredStatus = {
    state: step.state,
    history: appendChange(stored.history, step.change),
  };
  if (stored.identity !== undefined) record.identity = stored.identity;
  return { kind: "changed", state: step.state, record, created: false };
}

/** The record with `identity` stored (a new task starts at version 0 under `epoch`). */
export function withIdentity(
  stored: StoredStatus | undefined,
  identity: StoredIdentity,
  now: Date,
  epoch: string,
): { record: StoredStatus; created: boolean } {
  const base = stored ?? freshStatus(epoch, now);
  return {
    record: { state: base.state, history: base.history, identity },
    created: stored === undefined,
  };
}

/** The result an update reports, from what was decided. */
export function resultOf(decided: RecordUpdate): UpdateResult {
  return { kind: decided.kind, state: decided.state };
}
