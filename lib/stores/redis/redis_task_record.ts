/**
 * Reading what the named-task scripts reply and publish (see
 * redis_task_scripts.ts), trusting nothing. No I/O here.
 */
import {
  parseStoredStatus,
  type StoredStatus,
} from "../../domain/stored_record.ts";
import { isTaskId } from "../../domain/task_id.ts";
import type { Change, TaskState } from "../../domain/task_state.ts";
import type { ListedTask } from "../../domain/task_list.ts";

const SEQ = /^\d{1,16}$/;

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stateOf(fields: unknown[]): TaskState | undefined {
  const [status, version, epoch, updatedAt] = fields;
  if (typeof version !== "string" || !SEQ.test(version)) return undefined;
  return parseStoredStatus({
    state: { status, version: Number(version), epoch, updatedAt },
    history: [],
  })?.state;
}

/** A task read: its record (undefined when not stored) and the seq it was read at. */
export interface TaskReadReply {
  record: StoredStatus | undefined;
  seq: string;
}

/** The read script's reply, or undefined when it is not one. */
export function parseTaskRead(reply: unknown): TaskReadReply | undefined {
  if (!Array.isArray(reply)) return undefined;
  if (reply[0] === "missing" && reply.length === 2) {
    return typeof reply[1] === "string" && SEQ.test(reply[1])
      ? { record: undefined, seq: reply[1] }
      : undefined;
  }
  if (reply[0] !== "stored" || reply.length !== 8) return undefined;
  const state = stateOf(reply.slice(1, 5));
  const [, , , , , seq, identity, entries] = reply;
  if (
    state === undefined || typeof seq !== "string" || !SEQ.test(seq) ||
    !Array.isArray(entries)
  ) {
    return undefined;
  }
  const value: Record<string, unknown> = {
    state,
    history: entries.map(parseJson),
  };
  if (identity !== "") value.identity = parseJson(identity) ?? null;
  const record = parseStoredStatus(value);
  return record && { record, seq };
}

/** What the update script replied. */
export type TaskUpdateReply =
  | { kind: "unchanged" | "conflict"; state: TaskState }
  | {
    kind: "changed";
    state: TaskState;
    change: Change;
    seq: string;
    /** The seq the task had before ("" when it was not stored). */
    prev: string;
  }
  | { kind: "full" };

/** The update script's reply (other than `late`), or undefined when it is not one. */
export function parseTaskUpdate(reply: unknown): TaskUpdateReply | undefined {
  if (!Array.isArray(reply)) return undefined;
  const [kind] = reply;
  if (kind === "full") return { kind };
  if (kind === "unchanged" || kind === "conflict") {
    const state = reply.length === 5 ? stateOf(reply.slice(1)) : undefined;
    return state && { kind, state };
  }
  if (kind !== "changed" || reply.length !== 8) return undefined;
  const state = stateOf(reply.slice(1, 5));
  const [, , , , , seq, prev, changeText] = reply;
  if (
    state === undefined || typeof seq !== "string" || !SEQ.test(seq) ||
    typeof prev !== "string" || (prev !== "" && !SEQ.test(prev))
  ) {
    return undefined;
  }
  const change = parseChange(parseJson(changeText), state);
  return change && { kind, state, change, seq, prev };
}

function parseChange(value: unknown, state: TaskState): Change | undefined {
  const checked = parseStoredStatus({ state, history: [value] });
  return checked?.history[0];
}

/** A message on the tasks channel. */
export type TaskMessage =
  | {
    task: string;
    seq: string;
    prev: string;
    /** With a status change: the state after and the change. */
    state?: TaskState;
    change?: Change;
  }
  | { task: string; seq: string; deleted: true }
  /** The `default` task's identity changed (it has no seq: read it). */
  | { task: "default"; identity: true };

/** A message of the tasks channel, or undefined when it is not one. */
export function parseTaskMessage(text: string): TaskMessage | undefined {
  const value = parseJson(text) as Record<string, unknown> | undefined;
  if (typeof value !== "object" || value === null) return undefined;
  const { task, seq, prev } = value;
  if (!isTaskId(task)) return undefined;
  if (task === "default" && value.identity === true) {
    return { task, identity: true };
  }
  if (typeof seq !== "string" || !SEQ.test(seq)) return undefined;
  if (value.deleted === true) return { task, seq, deleted: true };
  if (typeof prev !== "string" || (prev !== "" && !SEQ.test(prev))) {
    return undefined;
  }
  if (value.state === undefined) return { task, seq, prev };
  const state = parseStoredStatus({ state: value.state, history: [] })?.state;
  const change = state && parseChange(value.change, state);
  if (state === undefined || change === undefined) return undefined;
  return { task, seq, prev, state, change };
}

/** The list script's reply, or undefined when it is not one. */
export function parseTaskList(reply: unknown): ListedTask[] | undefined {
  if (!Array.isArray(reply)) return undefined;
  const tasks: ListedTask[] = [];
  for (const row of reply) {
    if (!Array.isArray(row) || row.length !== 6 || !isTaskId(row[0])) {
      return undefined;
    }
    const state = stateOf(row.slice(1, 5));
    if (state === undefined) return undefined;
    const task: ListedTask = { id: row[0], state };
    if (row[5] !== "") {
      const record = parseStoredStatus({
        state,
        history: [],
        identity: parseJson(row[5]) ?? null,
      });
      if (record?.identity === undefined) return undefined;
      task.identity = record.identity;
    }
    tasks.push(task);
  }
  return tasks;
}
