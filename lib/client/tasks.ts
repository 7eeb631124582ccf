/** One request each for many tasks: list them, poll several at once, name one, delete one. */
import type { StoredIdentity } from "../domain/task_identity.ts";
import type { TaskPage, TaskSummary } from "../domain/task_list.ts";
import {
  type MultiPollAnswer,
  parseMultiPollAnswer,
  parseTaskList,
} from "./answers.ts";
import {
  endpoint,
  expect,
  type RequestOptions,
  send,
  type TaskStatus,
} from "./http.ts";
import { parseTaskIdentity, parseTaskState } from "./answers.ts";

/** Options of {@link listTasks}. */
export interface ListOptions extends Omit<RequestOptions, "task"> {
  /** Tasks per page (1 to 1000; the server's default is 100). */
  limit?: number;
  /** The `next` of the page before. */
  after?: string;
}

/** Reads one page of the stored tasks, sorted by id (`GET /tasks`); `next` says where the next page starts. */
export async function listTasks(
  baseUrl: string | URL,
  options: ListOptions = {},
): Promise<TaskPage<TaskSummary>> {
  const body = await send(
    options,
    endpoint(baseUrl, "tasks", { limit: options.limit, after: options.after }),
    { method: "GET" },
  );
  return expect(body, parseTaskList, "a list of tasks");
}

/** One watched task: its id and the version (and epoch) the caller has. */
export interface WatchedTask {
  /** The task id. */
  id: string;
  /** The version of it the caller has (0 for none). */
  lastVersion: number;
  /** The epoch of that version; another one on the server answers `reset`. */
  epoch?: string;
}

/** Options of {@link pollTasks}. */
export interface PollTasksOptions extends Omit<RequestOptions, "task"> {
  /** Hold time asked for, in whole seconds (the server caps it). */
  timeout?: number;
}

/**
 * Sends one long poll for up to 100 tasks (`GET /poll-tasks`): answered at
 * once with every task that is behind or must reset, else with the first
 * that changes, else empty with `timeout`.
 */
export async function pollTasks(
  baseUrl: string | URL,
  watched: readonly WatchedTask[],
  options: PollTasksOptions = {},
): Promise<MultiPollAnswer> {
  const watch = watched.map(({ id, lastVersion, epoch }) =>
    epoch === undefined
      ? `${id}:${lastVersion}`
      : `${id}:${lastVersion}:${epoch}`
  ).join(",");
  const body = await send(
    options,
    endpoint(baseUrl, "poll-tasks", { watch, timeout: options.timeout }),
    { method: "GET" },
  );
  return expect(body, parseMultiPollAnswer, "a poll answer for tasks");
}

/** Options of the admin requests {@link setTaskIdentity} and {@link deleteTask}. */
export interface AdminOptions extends Omit<RequestOptions, "task"> {
  /** Sent as `Authorization: Bearer …` (needed when the server has an admin token). */
  token?: string;
}

function adminHeaders(token: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
  };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return headers;
}

/** Stores a task's name, description and link (`PUT /tasks/{id}`), storing the task if it was not. */
export async function setTaskIdentity(
  baseUrl: string | URL,
  task: string,
  identity: StoredIdentity,
  options: AdminOptions = {},
): Promise<TaskStatus> {
  const body = await send(
    options,
    endpoint(baseUrl, `tasks/${encodeURIComponent(task)}`),
    {
      method: "PUT",
      headers: adminHeaders(options.token),
      body: JSON.stringify(identity),
    },
  );
  const state: TaskStatus = expect(body, parseTaskState, "a task state");
  const named = parseTaskIdentity((body.value as { task?: unknown }).task);
  if (named !== undefined) state.task = named;
  return state;
}

/** Deletes a stored task (`DELETE /tasks/{id}`); a task that is not stored fails with 404. */
export async function deleteTask(
  baseUrl: string | URL,
  task: string,
  options: AdminOptions = {},
): Promise<void> {
  await send(options, endpoint(baseUrl, `tasks/${encodeURIComponent(task)}`), {
    method: "DELETE",
    headers: adminHeaders(options.token),
  });
}
