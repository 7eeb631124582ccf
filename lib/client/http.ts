/** One request each: read the state, change it, long-poll it once. */
import type {
  PollAnswer,
  TaskState,
  UpdateAnswer,
} from "../domain/task_state.ts";
import type { Status } from "../domain/statuses.ts";
import type { Source } from "../domain/change_source.ts";
import type { TaskIdentity } from "../domain/task_identity.ts";
import {
  errorMessage,
  parsePollAnswer,
  parseTaskIdentity,
  parseTaskState,
  parseUpdateAnswer,
} from "./answers.ts";
import { retryAfterMs } from "./backoff.ts";
import { StatusApiError } from "./errors.ts";

/** The part of `fetch` the client uses; pass another to count, trace or reroute requests. */
export type FetchLike = (
  input: string,
  init: RequestInit,
) => Promise<Response>;

/** Options common to every request. */
export interface RequestOptions {
  /** Aborts the request (and the reading of its body). */
  signal?: AbortSignal;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** The task (1 to 64 of `a-z`, `0-9`, `-`); the `default` task when not given. */
  task?: string;
}

/** A task's state as `getStatus` reads it: with what the task is, from servers that say. */
export interface TaskStatus extends TaskState {
  /** The task's id, name, and optional description and link. */
  task?: TaskIdentity;
}

/** Options of {@link updateStatus}. */
export interface UpdateOptions extends RequestOptions {
  /** Sent as `Authorization: Bearer …` (needed when the server has an admin token). */
  token?: string;
  /** Compare-and-set: the update fails with 409 unless this is the current version. */
  expectedVersion?: number;
  /** Where the change comes from, kept in the task's history (the server says `api` when not given). */
  source?: Source;
  /** Who makes it (1 to 64 characters), kept in the task's history. */
  actor?: string;
}

/** Options of {@link pollStatus}. */
export interface PollOptions extends RequestOptions {
  /** The version the caller has; without it the server answers at once. */
  lastVersion?: number;
  /** The epoch of `lastVersion`; a different one on the server answers `reset`. */
  epoch?: string;
  /** Hold time asked for, in whole seconds (the server caps it). */
  timeout?: number;
}

/** The page's address in a browser (or under `deno run --location`), for relative base URLs. */
function pageHref(): string | undefined {
  const { location } = globalThis as { location?: { href?: string } };
  return location?.href;
}

/**
 * The URL of `path` under `baseUrl`, which may end with a slash or have a
 * path of its own; in a page, a relative base such as `/` is resolved
 * against the page's address.
 */
export function endpoint(
  baseUrl: string | URL,
  path: string,
  query: Record<string, string | number | undefined> = {},
): string {
  const url = new URL(String(baseUrl), pageHref());
  url.pathname = url.pathname.replace(/\/+$/, "") + "/" + path;
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.href;
}

/** The path of endpoint `name` of `task` (today's path for the `default` task when not given). */
export function taskPath(task: string | undefined, name: string): string {
  return task === undefined
    ? name
    : `tasks/${encodeURIComponent(task)}/${name}`;
}

/** Reads the current state (`GET /get-status`, `/tasks/{id}/get-status`). */
export async function getStatus(
  baseUrl: string | URL,
  options: RequestOptions = {},
): Promise<TaskState> {
  const body = await send(
    options,
    endpoint(baseUrl, taskPath(options.task, "get-status")),
    { method: "GET" },
  );
  return expect(body, parseTaskState, "a task state");
}

/** Reads the current state and what the task is: its name, description and link (`task`). */
export async function getTask(
  baseUrl: string | URL,
  options: RequestOptions = {},
): Promise<TaskStatus> {
  const body = await send(
    options,
    endpoint(baseUrl, taskPath(options.task, "get-status")),
    { method: "GET" },
  );
  const state: TaskStatus = expect(body, parseTaskState, "a task state");
  const { value } = body;
  const task = typeof value === "object" && value !== null && "task" in value
    ? parseTaskIdentity(value.task)
    : undefined;
  if (task !== undefined) state.task = task;
  return state;
}

/** Sets the status (`POST /update-status`); an unchanged status is a success too. */
export async function updateStatus(
  baseUrl: string | URL,
  status: Status,
  options: UpdateOptions = {},
): Promise<UpdateAnswer> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
  };
  if (options.token !== undefined) {
    headers.authorization = `Bearer ${options.token}`;
  }
  const payload: Record<string, unknown> = { status };
  if (options.expectedVersion !== undefined) {
    payload.expected_version = options.expectedVersion;
  }
  if (options.source !== undefined) payload.source = options.source;
  if (options.actor !== undefined) payload.actor = options.actor;
  const body = await send(
    options,
    endpoint(baseUrl, taskPath(options.task, "update-status")),
    {
      method: "POST",
      headers,
      body: JSON.stringify(payload),
    },
  );
  return expect(body, parseUpdateAnswer, "an update answer");
}

/** Sends one long poll (`GET /poll-status`) and resolves with its answer. */
export async function pollStatus(
  baseUrl: string | URL,
  options: PollOptions = {},
): Promise<PollAnswer> {
  const url = endpoint(baseUrl, taskPath(options.task, "poll-status"), {
    last_version: options.lastVersion,
    epoch: options.lastVersion === undefined ? undefined : options.epoch,
    timeout: options.timeout,
  });
  const body = await send(options, url, { method: "GET" });
  return expect(body, parsePollAnswer, "a poll answer");
}

/** A response's status and its JSON body (or its text when not JSON). */
export interface Received {
  status: number;
  value: unknown;
}

/** Sends a request that expects JSON; a non-2xx answer throws a {@link StatusApiError}. */
export async function send(
  options: RequestOptions,
  url: string,
  init: RequestInit,
): Promise<Received> {
  const doFetch = options.fetch ?? fetch;
  const response = await doFetch(url, {
    ...init,
    headers: { accept: "application/json", ...init.headers },
    // A live state is never cached; and a browser holds back a GET while an
    // identical one is in flight (its cache lock), which would queue polls.
    cache: "no-store",
    signal: options.signal,
  });
  const text = await response.text();
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page, say): keep the text for the error.
  }
  if (!response.ok) {
    throw new StatusApiError(
      response.status,
      errorMessage(value) ??
        `HTTP ${response.status} ${response.statusText}`.trim(),
      value,
      retryAfterMs(response.headers.get("retry-after")),
    );
  }
  return { status: response.status, value };
}

/** The body `parse` reads, or a {@link StatusApiError} saying it was not `what`. */
export function expect<T>(
  received: Received,
  parse: (value: unknown) => T | undefined,
  what: string,
): T {
  const parsed = parse(received.value);
  if (parsed === undefined) {
    throw new StatusApiError(
      received.status,
      `the server answered ${received.status} without ${what}`,
      received.value,
    );
  }
  return parsed;
}
