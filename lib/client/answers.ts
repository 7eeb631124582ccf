/** Narrows the JSON bodies of the server's answers from `unknown`. */
import type {
  Change,
  PollAnswer,
  TaskState,
  UpdateAnswer,
} from "../domain/task_state.ts";
import { isStatus } from "../domain/statuses.ts";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** The task state in `value`, or undefined when it is not one. */
export function parseTaskState(value: unknown): TaskState | undefined {
  if (!isObject(value)) return undefined;
  const { status, version, epoch, updatedAt } = value;
  if (
    !isStatus(status) || !isVersion(version) || typeof epoch !== "string" ||
    typeof updatedAt !== "string"
  ) {
    return undefined;
  }
  return { status, version, epoch, updatedAt };
}

function parseChange(value: unknown): Change | undefined {
  if (!isObject(value)) return undefined;
  const { version, status, at } = value;
  if (!isVersion(version) || !isStatus(status) || typeof at !== "string") {
    return undefined;
  }
  return { version, status, at };
}

/** The poll answer in `value`, or undefined when it is not one. */
export function parsePollAnswer(value: unknown): PollAnswer | undefined {
  const state = parseTaskState(value);
  if (state === undefined || !isObject(value)) return undefined;
  const answer: PollAnswer = { ...state };
  if (value.changes !== undefined) {
    if (!Array.isArray(value.changes)) return undefined;
    const changes: Change[] = [];
    for (const item of value.changes) {
      const change = parseChange(item);
      if (change === undefined) return undefined;
      changes.push(change);
    }
    answer.changes = changes;
  }
  if (value.truncated === true) answer.truncated = true;
  if (value.reset === true) answer.reset = true;
  if (value.timeout === true) answer.timeout = true;
  return answer;
}

/** The update answer in `value`, or undefined when it is not one. */
export function parseUpdateAnswer(value: unknown): UpdateAnswer | undefined {
  const state = parseTaskState(value);
  if (state === undefined || !isObject(value)) return undefined;
  if (typeof value.message !== "string") return undefined;
  return { ...state, message: value.message };
}

/** The `error` text of an error body, if it has one. */
export function errorMessage(body: unknown): string | undefined {
  return isObject(body) && typeof body.error === "string"
    ? body.error
    : undefined;
}
