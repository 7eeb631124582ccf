import { HISTORY_LIMIT } from "./history.ts";
import type { Change, TaskState } from "./task_state.ts";
import { INITIAL_STATUS, isStatus } from "./statuses.ts";

/**
 * What a store keeps of a task: the state and its kept history, as one
 * record, so that one atomic write changes both and one read or watch
 * delivers both (a few KiB at most).
 */
export interface StoredStatus {
  state: TaskState;
  /** The last changes, oldest first, contiguous, ending at `state.version`. */
  history: Change[];
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
    typeof value.at === "string";
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
  return {
    state: {
      status: state.status,
      version: state.version,
      epoch: state.epoch,
      updatedAt: state.updatedAt,
    },
    history: history.map(({ version, status, at }) => ({
      version,
      status,
      at,
    })),
  };
}
