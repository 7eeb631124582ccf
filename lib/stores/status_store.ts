import type { UpdateRequest, UpdateResult } from "../domain/update_rule.ts";
import type { StateHub } from "../live/state_hub.ts";
import type { TaskHubs } from "../live/task_hubs.ts";
import type { StoredStatus } from "../domain/stored_record.ts";
import type { StoredIdentity } from "../domain/task_identity.ts";
import type { ListedTask, ListQuery, TaskPage } from "../domain/task_list.ts";

/**
 * Where the tasks live. Each task (`default` being the one today's paths
 * mean) has its own state, version, epoch, history and identity. The
 * store keeps the latest state of every task some poll watches in a
 * {@link StateHub}, read synchronously, so that a poll compares its
 * version and registers its wait in the same tick; the `default` task's
 * hub is always kept.
 */
export interface StatusStore {
  /** Which kind of store this is, for logs and health checks. */
  readonly kind: string;
  /** The `default` task's latest state, its history and its local waiters. */
  readonly hub: StateHub;
  /** The hubs of the tasks polls watch (the `default` task's among them), and the held polls. */
  readonly hubs: TaskHubs;
  /**
   * Applies an update to task `taskId` atomically; its versions are never
   * skipped or reused. A task's first change stores it; past `maxTasks`
   * stored tasks that throws {@link TaskLimitError}.
   */
  update(taskId: string, request: UpdateRequest): Promise<UpdateResult>;
  /** The task as stored now (a task never stored reads as unset: `En attente`, version 0). */
  read(taskId: string): Promise<TaskRead>;
  /** Stores the task's identity (storing the task at version 0 if it was not; {@link TaskLimitError} past `maxTasks`). */
  setIdentity(taskId: string, identity: StoredIdentity): Promise<TaskRead>;
  /**
   * Removes a stored task: it reads as never set again, under a new epoch,
   * and its held polls are answered with `reset`. False when it was not
   * stored. (The `default` task starts over at version 0.)
   */
  delete(taskId: string): Promise<boolean>;
  /** A page of the stored tasks, sorted by id. */
  list(query: ListQuery): Promise<TaskPage<ListedTask>>;
  /** True while the store can take updates: no failure since the last successful write. */
  healthy(): boolean;
  /**
   * Whether the store can take updates now, and if not why. When no write
   * succeeded lately, a small probe write finds out first; answers within
   * the store's deadline.
   */
  checkHealth(): Promise<StoreHealthReport>;
  /** Releases connections, watchers and timers. */
  close(): Promise<void>;
}

/** A task as read: its record, and whether it is stored at all. */
export interface TaskRead {
  record: StoredStatus;
  /** False for a task never stored (or deleted): it reads as unset. */
  stored: boolean;
}

/** How many tasks other than `default` a store keeps when not told: MAX_TASKS' default. */
export const DEFAULT_MAX_TASKS = 10_000;

/** Storing one more task would pass MAX_TASKS. */
export class TaskLimitError extends Error {
  override name = "TaskLimitError";
  /** `max`: the limit that is reached. */
  constructor(readonly max: number) {
    super(`MAX_TASKS (${max}) is reached: delete a task first`);
  }
}

/** A store's health: able to take updates, or not and why (one readable line). */
export type StoreHealthReport = { ok: true } | { ok: false; reason: string };

/** Thrown when the store cannot take an update right now (the request may be retried). */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
}

/** The store could not be opened at start; the message names the database. */
export class StoreOpenError extends Error {
  override name = "StoreOpenError";
}
