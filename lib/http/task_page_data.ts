/** What the task pages need from the server, read in one place for the page routes. */
import type { StatusService } from "../app/status_service.ts";
import type { Change, TaskState } from "../domain/task_state.ts";
import type { TaskIdentity } from "../domain/task_identity.ts";
import type { ListQuery } from "../domain/task_list.ts";
import { DEFAULT_LIST_LIMIT } from "../domain/task_list.ts";
import type { UpdateAccess } from "../domain/update_access.ts";
import { UNSET_EPOCH } from "../domain/stored_record.ts";
import { taskIdentity } from "./get_status.ts";
import { updateAccess } from "./page_access.ts";

/** A task's page: who it is, where it stands, what happened, and whether this viewer may change it. */
export interface TaskPageData {
  task: TaskIdentity;
  state: TaskState;
  /** The kept changes, oldest first (at most the last 100). */
  history: Change[];
  /** False for a task never stored: it reads as `En attente`, version 0. */
  stored: boolean;
  updateAccess: UpdateAccess;
}

/** One card of the board. */
export interface BoardCard {
  task: TaskIdentity;
  state: TaskState;
}

/** The board: a page of the stored tasks, sorted by id, and whether this viewer may change them. */
export interface BoardPageData {
  cards: BoardCard[];
  /** The `after` of the next page, when there is one. */
  next?: string;
  updateAccess: UpdateAccess;
}

/**
 * Reads task `taskId` for its page (`/` for `default`, `/tasks/{id}`):
 * from memory when a poll watches it (always for `default`), else from the
 * store. Rejects with the store's error when it cannot answer.
 *
 * @example
 * ```ts
 * const data = await taskPageData(request, statusService(), ctx.remoteAddr, ctx.params.id);
 * ```
 */
export async function taskPageData(
  request: Request,
  service: StatusService,
  remoteAddr: Deno.NetAddr,
  taskId: string,
): Promise<TaskPageData> {
  const access = updateAccess(request, service.config, remoteAddr);
  const hub = service.store.hubs.peek(taskId);
  if (hub !== undefined) {
    return {
      task: taskIdentity(service, taskId, hub.identity),
      state: hub.state,
      history: [...hub.history],
      stored: hub.state.epoch !== UNSET_EPOCH,
      updateAccess: access,
    };
  }
  const { record, stored } = await service.store.read(taskId);
  return {
    task: taskIdentity(service, taskId, record.identity),
    state: record.state,
    history: record.history,
    stored,
    updateAccess: access,
  };
}

/**
 * Reads a page of the stored tasks for the board (`/tasks`), `query`
 * defaulting to the first 100. Rejects with the store's error when it
 * cannot answer.
 */
export async function boardPageData(
  request: Request,
  service: StatusService,
  remoteAddr: Deno.NetAddr,
  query: ListQuery = { limit: DEFAULT_LIST_LIMIT },
): Promise<BoardPageData> {
  const page = await service.store.list(query);
  const data: BoardPageData = {
    cards: page.tasks.map(({ id, state, identity }) => ({
      task: taskIdentity(service, id, identity),
      state,
    })),
    updateAccess: updateAccess(request, service.config, remoteAddr),
  };
  if (page.next !== undefined) data.next = page.next;
  return data;
}
