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
 * ```
 *
 * @module
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
  Change,
  PollAnswer,
  TaskState,
  UpdateAnswer,
} from "../domain/task_state.ts";
export { isStatus, STATUSES } from "../domain/statuses.ts";
export type { Status } from "../domain/statuses.ts";
