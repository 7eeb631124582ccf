/**
 * The HTTP client of the task-status service. Runs unchanged in browsers,
 * Deno and Node: it needs only `fetch`, `AbortController` and timers.
 */
export { getStatus, pollStatus, updateStatus } from "./http.ts";
export type {
  FetchLike,
  PollOptions,
  RequestOptions,
  UpdateOptions,
} from "./http.ts";
export { watch } from "./watch.ts";
export type { StatusWatch, WatchOptions } from "./watch.ts";
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
  PollAnswer,
  TaskState,
  UpdateAnswer,
} from "../domain/task_state.ts";
