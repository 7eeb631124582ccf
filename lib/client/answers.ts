/** Narrows the JSON bodies of the server's answers from `unknown`. */
import type {
  Change,
  PollAnswer,
  TaskState,
  UpdateAnswer,
} from "../domain/task_state.ts";
import { isStatus } from "../domain/statuses.ts";
import type { TaskIdentity } from "../domain/task_identity.ts";
import type { TaskPage, TaskSummary } from "../domain/task_list.ts";
import { DEFAULT_SOURCE, isSource } from "../domain/change_source.ts";

type Json = Record<string, unknown>;

/** The answer of one poll for several tasks: those that changed, by id. */
export interface MultiPollAnswer {
  /** Each task that changed or must reset, as `/poll-status` would answer it. */
  tasks: Record<string, PollAnswer>;
  /** The hold ended with no change. */
  timeout?: true;
}

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
  const { version, status, at, source, actor } = value;
  if (!isVersion(version) || !isStatus(status) || typeof at !== "string") {
    return undefined;
  }
  // A server from before sources were kept sends none: "api".
  const change: Change = {
    version,
    status,
    at,
    source: isSource(source) ? source : DEFAULT_SOURCE,
  };
  if (typeof actor === "string") change.actor = actor;
  return change;
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

/** The task identity in `value` (`task` of a get-status answer), or undefined when it is not one. */
export function parseTaskIdentity(value: unknown): TaskIdentity | undefined {
  if (!isObject(value)) return undefined;
  const { id, name, description, url } = value;
  if (typeof id !== "string" || typeof name !== "string") return undefined;
  const identity: TaskIdentity = { id, name };
  if (typeof description === "string") identity.description = description;
  if (typeof url === "string") identity.url = url;
  return identity;
}

/** The page of `GET /tasks` in `value`, or undefined when it is not one. */
export function parseTaskList(
  value: unknown,
): TaskPage<TaskSummary> | undefined {
  if (!isObject(value) || !Array.isArray(value.tasks)) return undefined;
  const tasks: TaskSummary[] = [];
  for (const item of value.tasks) {
    if (!isObject(item)) return undefined;
    const { id, name, status, version, updatedAt } = item;
    if (
      typeof id !== "string" || typeof name !== "string" ||
      !isStatus(status) || !isVersion(version) ||
      typeof updatedAt !== "string"
    ) {
      return undefined;
    }
    tasks.push({ id, name, status, version, updatedAt });
  }
  const page: TaskPage<TaskSummary> = { tasks };
  if (typeof value.next === "string") page.next = value.next;
  return page;
}

/** The answer of `GET /poll-tasks` in `value`, or undefined when it is not one. */
export function parseMultiPollAnswer(
  value: unknown,
): MultiPollAnswer | undefined {
  if (!isObject(value) || !isObject(value.tasks)) return undefined;
  const tasks: Record<string, PollAnswer> = {};
  for (const [id, item] of Object.entries(value.tasks)) {
    const answer = parsePollAnswer(item);
    if (answer === undefined) return undefined;
    tasks[id] = answer;
  }
  const answer: MultiPollAnswer = { tasks };
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
