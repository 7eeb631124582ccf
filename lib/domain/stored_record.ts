import { HISTORY_LIMIT } from "./history.ts";
import type { Change, TaskState } from "./task_state.ts";
import { INITIAL_STATUS, isStatus } from "./statuses.ts";
import { DEFAULT_SOURCE, isActor, isSource } from "./change_source.ts";
import { parseStoredIdentity, type StoredIdentity } from "./task_identity.ts";

/**
 * What a store keeps of a task: the state and its kept history, as one
 * record, so that one atomic write changes both and one read or watch
 * delivers both (a few KiB at most).
 */
export interface StoredStatus {
  state: TaskState;
  /** The last changes, oldest first, contiguous, ending at `state.version`. */
  history: Change[];
  /** The task's own name, description and link, when one was stored. */
  identity?: StoredIdentity;
}

/**
 * The epoch of a task that was never stored (or was deleted): the same in
 * every process and across restarts, and never one {@link newEpoch} makes.
 */
export const UNSET_EPOCH = "unset";

/** How a task that was never stored reads: `En attente`, version 0, {@link UNSET_EPOCH}. */
export function unsetStatus(since: Date): StoredStatus {
  return freshStatus(UNSET_EPOCH, since);
}

/** A fresh epoch: any string that a previous run cannot have used. */
export function newEpoch(): string {
  return crypto.randomUUID();
}

/** The record of a new version sequence: version 0, the initial status. */
export function freshStatus(epoch: string, now: Date): StoredStatus {
  return {
    state: {
      status: INITIAL_STATUS,
      version: 0,
      epoch,
      updatedAt: now.toISOString(),
    },
    history: [],
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isVersion(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isChange(value: unknown): value is Change {
  return isRecord(value) && isVersion(value.version) &&
    isStatus(value.status) &&
    typeof value.at === "string" &&
    // Changes stored before sources were kept have none: they read as "api".
    (value.source === undefined || isSource(value.source)) &&
    (value.actor === undefined || isActor(value.actor));
}

/** A kept change as the wire carries it (the source filled in, nothing else kept). */
function cleanChange(change: Change): Change {
  const clean: Change = {
    version: change.version,
    status: change.status,
    at: change.at,
    source: change.source ?? DEFAULT_SOURCE,
  };
  if (change.actor !== undefined) clean.actor = change.actor;
  return clean;
}

function isTaskState(value: unknown): value is TaskState {
  return isRecord(value) && isStatus(value.status) &&
    isVersion(value.version) &&
    typeof value.epoch === "string" && value.epoch !== "" &&
    typeof value.updatedAt === "string";
}

/**
 * Reads a stored value back, trusting nothing: undefined unless it is a
 * state with a history that the poll code can slice by index (contiguous
 * versions ending at the state's, at most {@link HISTORY_LIMIT} of them).
 */
export function parseStoredStatus(value: unknown): StoredStatus | undefined {
  if (!isRecord(value) || !isTaskState(value.state)) return undefined;
  const { state, history } = value;
  if (!Array.isArray(history) || history.length > HISTORY_LIMIT) {
    return undefined;
  }
  if (!history.every(isChange)) return undefined;
  const first = state.version - history.length + 1;
  if (!history.every((change, i) => change.version === first + i)) {
    return undefined;
  }
  let identity: StoredIdentity | undefined;
  if (value.identity !== undefined) {
    identity = parseStoredIdentity(value.identity);
    if (identity === undefined) return undefined;
  }
  const record: StoredStatus = {
    state: {
      status: state.status,
      version: state.version,
      epoch: state.epoch,
      updatedAt: state.updatedAt,
    },
    history: history.map(cleanChange),
  };
  if (identity !== undefined) record.identity = identity;
  return record;
}
