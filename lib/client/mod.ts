/**
 * The HTTP client of the task-status service. Runs unchanged in browsers,
 * Deno and Node: it needs only `fetch`, `AbortController` and timers.
 *
 * @example
 * ```ts
 * import { updateStatus, watch } from "./lib/client/mod.ts";
 *
 * await updateStatus("http://localhost:3000", "En cours");
 * for await (const event of watch("http://localhost:3000")) {
 *   if (event.type === "change") console.log(event.from, "→", event.to);
 * }
 *
 * // Any named task: the `task` option on every call.
 * await updateStatus("http://localhost:3000", "Terminée", { task: "nightly-build" });
 * ```
 *
 * @module
 */
export { getStatus, getTask, pollStatus, updateStatus } from "./http.ts";
export type {
  FetchLike,
  PollOptions,
  RequestOptions,
  TaskStatus,
  UpdateOptions,
} from "./http.ts";
export { deleteTask, listTasks, pollTasks, setTaskIdentity } from "./tasks.ts";
export type {
  AdminOptions,
  ListOptions,
  PollTasksOptions,
  WatchedTask,
} from "./tasks.ts";
export type { MultiPollAnswer } from "./answers.ts";
export { watch } from "./watch.ts";
export type { StatusWatch, WatchOptions } from "./watch.ts";
export { watchTasks } from "./watch_tasks.ts";
export type {
  TaskEvent,
  TasksWatchEvent,
  WatchTasksOptions,
} from "./watch_tasks.ts";
export { isRetryable, PollStalledError, StatusApiError } from "./errors.ts";
export type {
  ChangeEvent,
  ConnectedEvent,
  ReconnectingEvent,
  ResetEvent,
  ResetReason,
  SnapshotEvent,
  StateEvent,
  TruncatedEvent,
  WatchEvent,
} from "./events.ts";
export type {
  Change,
  PollAnswer,
  TaskState,
  UpdateAnswer,
} from "../domain/task_state.ts";
export { isStatus, STATUSES } from "../domain/statuses.ts";
export type { Status } from "../domain/statuses.ts";
export { SOURCES } from "../domain/change_source.ts";
export type { Source } from "../domain/change_source.ts";
export { DEFAULT_TASK, parseTaskId } from "../domain/task_id.ts";
export type { TaskIdParse } from "../domain/task_id.ts";
export type { StoredIdentity, TaskIdentity } from "../domain/task_identity.ts";
export type { TaskPage, TaskSummary } from "../domain/task_list.ts";
