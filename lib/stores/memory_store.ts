import { StateHub } from "../live/state_hub.ts";
import { TaskHubs, type TaskSnapshot } from "../live/task_hubs.ts";
import {
  freshStatus,
  newEpoch,
  type StoredStatus,
  unsetStatus,
} from "../domain/stored_record.ts";
import { DEFAULT_TASK } from "../domain/task_id.ts";
import type { StoredIdentity } from "../domain/task_identity.ts";
import {
  type ListedTask,
  type ListQuery,
  pageOfIds,
  type TaskPage,
} from "../domain/task_list.ts";
import { decideTaskUpdate, withIdentity } from "../domain/task_record.ts";
import type { UpdateRequest, UpdateResult } from "../domain/update_rule.ts";
import {
  DEFAULT_MAX_TASKS,
  type StatusStore,
  type StoreHealthReport,
  TaskLimitError,
  type TaskRead,
} from "./status_store.ts";

/** Options for {@link MemoryStore}. */
export interface MemoryStoreOptions {
  now?: () => Date;
  /** Tasks other than `default` kept at most (MAX_TASKS). */
  maxTasks?: number;
}

/**
 * Keeps the tasks in this process only: a restart starts the `default`
 * task over under a new epoch at version 0, forgets the others, and
 * another process has its own truth.
 */
export class MemoryStore implements StatusStore {
  readonly kind = "memory";
  readonly hub: StateHub;
  readonly hubs: TaskHubs;
  #now: () => Date;
  #since: Date;
  #maxTasks: number;
  #records = new Map<string, StoredStatus>();
  /** Counts writes: the mark of each record, in the order they were made. */
  #writes = 0;

  /** A store with the `default` task at version 0; `options.now` is the clock. */
  constructor(options: MemoryStoreOptions | (() => Date) = {}) {
    const { now = () => new Date(), maxTasks = DEFAULT_MAX_TASKS } =
      typeof options === "function" ? { now: options } : options;
    this.#now = now;
    this.#since = now();
    this.#maxTasks = maxTasks;
    this.hubs = new TaskHubs((id) => this.#snapshot(id));
    const first = freshStatus(newEpoch(), this.#since);
    this.#records.set(DEFAULT_TASK, first);
    this.hub = this.hubs.newHub(first);
    this.hubs.pin(DEFAULT_TASK, this.hub, this.#mark());
  }

  update(taskId: string, request: UpdateRequest): Promise<UpdateResult> {
    const stored = this.#records.get(taskId);
    const decided = decideTaskUpdate(
      stored,
      request,
      this.#now(),
      this.#since,
      newEpoch(),
    );
    if (decided.kind !== "changed") {
      return Promise.resolve({ kind: decided.kind, state: decided.state });
    }
    if (decided.created && this.#named() >= this.#maxTasks) {
      return Promise.reject(new TaskLimitError(this.#maxTasks));
    }
    this.#write(taskId, decided.record);
    return Promise.resolve({ kind: "changed", state: decided.state });
  }

  read(taskId: string): Promise<TaskRead> {
    const record = this.#records.get(taskId);
    return Promise.resolve(
      record === undefined
        ? { record: unsetStatus(this.#since), stored: false }
        : { record, stored: true },
    );
  }

  setIdentity(taskId: string, identity: StoredIdentity): Promise<TaskRead> {
    const { record, created } = withIdentity(
      this.#records.get(taskId),
      identity,
      this.#now(),
      newEpoch(),
    );
    if (created && this.#named() >= this.#maxTasks) {
      return Promise.reject(new TaskLimitError(this.#maxTasks));
    }
    this.#write(taskId, record);
    return Promise.resolve({ record, stored: true });
  }

  delete(taskId: string): Promise<boolean> {
    if (!this.#records.has(taskId)) return Promise.resolve(false);
    if (taskId === DEFAULT_TASK) {
      this.#write(taskId, freshStatus(newEpoch(), this.#now()));
    } else {
      this.#records.delete(taskId);
      this.hubs.offer(taskId, {
        record: unsetStatus(this.#since),
        mark: this.#mark(),
      });
    }
    return Promise.resolve(true);
  }

  list(query: ListQuery): Promise<TaskPage<ListedTask>> {
    const page = pageOfIds(this.#records.keys(), query);
    const tasks = page.ids.map((id) => {
      const { state, identity } = this.#records.get(id)!;
      return identity === undefined ? { id, state } : { id, state, identity };
    });
    return Promise.resolve(
      page.next === undefined ? { tasks } : { tasks, next: page.next },
    );
  }

  healthy(): boolean {
    return true;
  }

  /** Always healthy: memory cannot fail to take an update. */
  checkHealth(): Promise<StoreHealthReport> {
    return Promise.resolve({ ok: true });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #named(): number {
    return this.#records.size - (this.#records.has(DEFAULT_TASK) ? 1 : 0);
  }

  #mark(): string {
    return String(++this.#writes);
  }

  #write(taskId: string, record: StoredStatus): void {
    this.#records.set(taskId, record);
    this.hubs.offer(taskId, { record, mark: this.#mark() });
  }

  #snapshot(taskId: string): TaskSnapshot {
    return {
      record: this.#records.get(taskId) ?? unsetStatus(this.#since),
      mark: String(this.#writes),
    };
  }
}
