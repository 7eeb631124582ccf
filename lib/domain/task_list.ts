/** Listing the stored tasks (`GET /tasks`): the query, the page, and one entry. */
import type { Status } from "./statuses.ts";
import { parseTaskId } from "./task_id.ts";
import type { StoredIdentity } from "./task_identity.ts";
import type { TaskState } from "./task_state.ts";

/** Tasks in a page when `limit` is not given. */
export const DEFAULT_LIST_LIMIT = 100;
/** Most tasks in one page. */
export const MAX_LIST_LIMIT = 1000;

/** Which page: the tasks after `after` (by id), `limit` of them at most. */
export interface ListQuery {
  after?: string;
  limit: number;
}

/** A stored task as a store lists it. */
export interface ListedTask {
  id: string;
  state: TaskState;
  identity?: StoredIdentity;
}

/**
 * One page of stored tasks, sorted by id.
 *
 * @typeParam T What each task is listed as.
 */
export interface TaskPage<T> {
  /** The tasks of this page. */
  tasks: T[];
  /** The `after` of the next page, when there is one. */
  next?: string;
}

/** A task as `GET /tasks` lists it. */
export interface TaskSummary {
  /** The task id. */
  id: string;
  /** Its name (its id when it has none). */
  name: string;
  /** Its status now. */
  status: Status;
  /** Its version now. */
  version: number;
  /** When its status last changed (ISO-8601 UTC). */
  updatedAt: string;
}

/** Reading a list query: the query, or what was wrong with it. */
export type ListQueryParse =
  | { ok: true; query: ListQuery }
  | { ok: false; error: string };

/** Reads `limit` (1 to 1000, default 100) and `after` (a task id) from a query string. */
export function parseListQuery(params: URLSearchParams): ListQueryParse {
  const query: ListQuery = { limit: DEFAULT_LIST_LIMIT };
  const limit = params.get("limit");
  if (limit !== null) {
    if (
      !/^\d{1,4}$/.test(limit) || Number(limit) < 1 ||
      Number(limit) > MAX_LIST_LIMIT
    ) {
      return {
        ok: false,
        error: `limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${
          JSON.stringify(limit)
        }`,
      };
    }
    query.limit = Number(limit);
  }
  const after = params.get("after");
  if (after !== null) {
    const id = parseTaskId(after);
    if (!id.ok) return { ok: false, error: `after: ${id.error}` };
    query.after = id.id;
  }
  return { ok: true, query };
}

/**
 * A page from `ids` (any order): the ids after `query.after`, sorted, at
 * most `query.limit`, and the `next` cursor when more follow.
 */
export function pageOfIds(
  ids: Iterable<string>,
  query: ListQuery,
): { ids: string[]; next?: string } {
  const after = query.after;
  const sorted = [...ids].filter((id) => after === undefined || id > after)
    .sort();
  if (sorted.length <= query.limit) return { ids: sorted };
  const page = sorted.slice(0, query.limit);
  return { ids: page, next: page[page.length - 1] };
}

/**
 * Adds `extra` (a task kept apart from the others, like `default`) to a
 * page read with `query` and `limit + 1` entries asked for; returns the
 * page cut to the limit, with `next` when more follow.
 */
export function mergePage(
  listed: ListedTask[],
  extra: ListedTask | undefined,
  query: ListQuery,
): TaskPage<ListedTask> {
  const tasks = listed.filter((task) => task.id !== extra?.id);
  if (
    extra !== undefined &&
    (query.after === undefined || extra.id > query.after)
  ) {
    tasks.push(extra);
    tasks.sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }
  if (tasks.length <= query.limit) return { tasks };
  const page = tasks.slice(0, query.limit);
  return { tasks: page, next: page[page.length - 1].id };
}
