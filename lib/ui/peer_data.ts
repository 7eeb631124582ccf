/**
 * Checks on what other tabs send over the shared poll's channel: another
 * version of a page may share it during a deploy, so nothing is taken on
 * trust.
 */
import { isStatus } from "../domain/statuses.ts";
import { isSource } from "../domain/change_source.ts";
import type { Change, TaskState } from "../domain/task_state.ts";
import type { Connection } from "./connection.ts";
import type { LiveEvent } from "./live_state.ts";
import type { PeerParsers } from "./shared_poll.ts";

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null;
}

/** True for a task state as the wire carries it. */
export function isTask(value: unknown): value is TaskState {
  return isObject(value) && isStatus(value.status) &&
    Number.isSafeInteger(value.version) && typeof value.epoch === "string" &&
    typeof value.updatedAt === "string";
}

function isChange(value: unknown): value is Change {
  return isObject(value) && Number.isSafeInteger(value.version) &&
    isStatus(value.status) && typeof value.at === "string" &&
    isSource(value.source) &&
    (value.actor === undefined || typeof value.actor === "string");
}

/** True for a connection as the page keeps it. */
export function isConnection(value: unknown): value is Connection {
  if (!isObject(value)) return false;
  if (value.kind === "connecting" || value.kind === "live") return true;
  return value.kind === "reconnecting" && typeof value.attempt === "number" &&
    typeof value.failedAt === "number" && typeof value.retryAt === "number" &&
    typeof value.reason === "string" && typeof value.unreachable === "boolean";
}

export function isLiveEvent(value: unknown): value is LiveEvent {
  if (!isObject(value)) return false;
  switch (value.type) {
    case "snapshot":
    case "reset":
      return isTask(value.state);
    case "change":
      return isChange(value.change) && isTask(value.state);
    case "connected":
      return true;
    case "reconnecting":
      return isConnection({ ...value, kind: "reconnecting" });
    default:
      return false;
  }
}

/** What the leader of a task page tells a new tab. */
export interface TaskSync {
  task: TaskState;
  /** Its kept changes, oldest first. */
  history: Change[];
  connection: Connection;
}

/** The checks of a task page's messages. */
export const TASK_PEER_PARSERS: PeerParsers<LiveEvent, TaskSync> = {
  event: (value) => isLiveEvent(value) ? value : undefined,
  sync: (value) =>
    isObject(value) && isTask(value.task) && isConnection(value.connection) &&
      Array.isArray(value.history) && value.history.every(isChange)
      ? value as unknown as TaskSync
      : undefined,
};
