/**
 * The named tasks in Deno KV (every task but `default`, which keeps its
 * own key and watch in kv_store.ts).
 *
 * Layout: each task's record (state, history, identity) under
 * `["status", "tasks", id]`; one head `["status", "head"]` holding
 * `{seq, count}`; and a change feed `["status", "feed", seq] = id`. Every
 * write of a task is one atomic commit that also checks and bumps the
 * head and adds a feed entry (the last {@link FEED_KEPT} are kept). So
 * `count` is exact (MAX_TASKS is checked in the same commit) and the feed
 * has no gaps: a process follows one key, the head, and reads the feed
 * from the last sequence number it saw; `kv.watch` takes at most 10 keys
 * per call, so watching each task's key would not scale to thousands. A
 * follower that fell more than {@link FEED_KEPT} entries behind re-reads
 * every task it watches.
 *
 * Reads take the head with the task in one snapshot (`getMany`): the
 * head's versionstamp is then the mark of what was read, since any later
 * write to any task has a later one.
 */
import {
  parseStoredStatus,
  type StoredStatus,
  unsetStatus,
} from "../../domain/stored_record.ts";
import type { ListedTask, ListQuery } from "../../domain/task_list.ts";
import { DEFAULT_TASK, isTaskId } from "../../domain/task_id.ts";
import type { TaskHubs, TaskSnapshot } from "../../live/task_hubs.ts";
import { TaskLimitError } from "../status_store.ts";

/** Under this prefix, each named task's record. */
export const TASKS_PREFIX: Deno.KvKey = ["status", "tasks"];
/** The head: the last feed sequence number and how many named tasks are stored. */
export const HEAD_KEY: Deno.KvKey = ["status", "head"];
/** Under this prefix, the feed: sequence number → the id of the task written. */
export const FEED_PREFIX: Deno.KvKey = ["status", "feed"];
/** Feed entries kept: a follower further behind re-reads what it watches. */
export const FEED_KEPT = 1024;
/** Keys per `getMany` (KV's limit is 10; one is the head). */
const BATCH = 9;

/** The key of a named task's record. */
export function taskKey(id: string): Deno.KvKey {
  return [...TASKS_PREFIX, id];
}

/** What the head holds. */
export interface Head {
  seq: number;
  count: number;
}

/** The head's value read back (missing or broken: nothing written yet). */
export function parseHead(value: unknown): Head {
  const head = value as Partial<Head> | null;
  return typeof head?.seq === "number" && typeof head?.count === "number"
    ? { seq: head.seq, count: head.count }
    : { seq: 0, count: 0 };
}

/** The mark of a snapshot read together with the head. */
function markOf(...stamps: (string | null)[]): string {
  let mark = "";
  for (const stamp of stamps) if (stamp !== null && stamp > mark) mark = stamp;
  return mark;
}

/** What a write decided: nothing to write (with the answer), or the record to write (null: delete). */
export type WritePlan<T> =
  | { write: false; result: T }
  | {
    write: true;
    record: StoredStatus | null;
    /** +1 when the task becomes stored, -1 when it is deleted. */
    countDelta: -1 | 0 | 1;
    result: T;
  };

/** A stored value that is not a record: the message names the key. */
export class BadRecordError extends Error {
  override name = "BadRecordError";
}

/** The named tasks of one KV database, and this process's follower of their feed. */
export class KvTasks {
  #kv: Deno.Kv;
  #hubs: TaskHubs;
  #since: Date;
  #maxTasks: number;
  /** The last feed sequence number taken in. */
  #seen = 0;
  /** The highest sequence number the head has shown. */
  #target = 0;
  #catchingUp: Promise<void> | undefined;
  #onError: (error: unknown) => void;

  constructor(
    kv: Deno.Kv,
    hubs: TaskHubs,
    options: {
      since: Date;
      maxTasks: number;
      onError: (error: unknown) => void;
    },
  ) {
    this.#kv = kv;
    this.#hubs = hubs;
    this.#since = options.since;
    this.#maxTasks = options.maxTasks;
    this.#onError = options.onError;
  }

  /** Starts following from the feed's current end. */
  async start(): Promise<void> {
    const head = parseHead((await this.#kv.get(HEAD_KEY)).value);
    this.#seen = this.#target = head.seq;
  }

  /** Reads a task with the head: the snapshot a hub is loaded from. */
  async load(id: string): Promise<TaskSnapshot & { stored: boolean }> {
    const [entry, head] = await this.#kv.getMany([taskKey(id), HEAD_KEY]);
    const stored = this.#parse(id, entry);
    return {
      record: stored ?? unsetStatus(this.#since),
      mark: markOf(entry.versionstamp, head.versionstamp),
      stored: stored !== undefined,
    };
  }

  /**
   * One decide-and-commit round for task `id`: undefined when another
   * writer committed first (try again). The commit checks the task and the
   * head, bumps the head and adds a feed entry.
   */
  async attempt<T>(
    id: string,
    decide: (stored: StoredStatus | undefined) => WritePlan<T>,
  ): Promise<T | undefined> {
    const [entry, headEntry] = await this.#kv.getMany([taskKey(id), HEAD_KEY]);
    const stored = this.#parse(id, entry);
    const plan = decide(stored);
    if (!plan.write) return plan.result;
    const head = parseHead(headEntry.value);
    if (plan.countDelta > 0 && head.count >= this.#maxTasks) {
      throw new TaskLimitError(this.#maxTasks);
    }
    const seq = head.seq + 1;
    const op = this.#kv.atomic().check(entry).check(headEntry);
    if (plan.record === null) op.delete(taskKey(id));
    else op.set(taskKey(id), plan.record);
    op.set(HEAD_KEY, { seq, count: head.count + plan.countDelta })
      .set([...FEED_PREFIX, seq], id);
    if (seq > FEED_KEPT) op.delete([...FEED_PREFIX, seq - FEED_KEPT]);
    const commit = await op.commit();
    if (!commit.ok) return undefined;
    this.#hubs.offer(id, {
      record: plan.record ?? unsetStatus(this.#since),
      mark: commit.versionstamp,
    });
    return plan.result;
  }

  /** Named tasks after `query.after`, `query.limit + 1` at most (to tell whether more follow). */
  async list(query: ListQuery): Promise<ListedTask[]> {
    const start = query.after === undefined
      ? undefined
      : [...TASKS_PREFIX, `${query.after}\0`];
    const tasks: ListedTask[] = [];
    const entries = this.#kv.list(
      start === undefined
        ? { prefix: TASKS_PREFIX }
        : { prefix: TASKS_PREFIX, start },
      { limit: query.limit + 1 },
    );
    for await (const entry of entries) {
      const id = entry.key[TASKS_PREFIX.length];
      if (typeof id !== "string" || !isTaskId(id)) continue;
      const record = this.#parse(id, entry);
      if (record === undefined) continue;
      const task: ListedTask = { id, state: record.state };
      if (record.identity !== undefined) task.identity = record.identity;
      tasks.push(task);
    }
    return tasks;
  }

  /** The head changed (watched or re-read): take in the feed up to it. */
  onHead(entry: Deno.KvEntryMaybe<unknown>): Promise<void> {
    if (entry.versionstamp === null) return Promise.resolve();
    const { seq } = parseHead(entry.value);
    if (seq > this.#target) this.#target = seq;
    if (this.#target <= this.#seen) return Promise.resolve();
    // One catch-up at a time; one that is running takes the new target too.
    this.#catchingUp ??= this.#catchUp().catch(this.#onError).finally(() => {
      this.#catchingUp = undefined;
    });
    return this.#catchingUp;
  }

  /** Re-reads every watched named task (after the follower lost track). */
  async rereadWatched(): Promise<void> {
    await this.#readInto(this.#hubs.ids());
  }

  async #catchUp(): Promise<void> {
    while (this.#seen < this.#target) {
      const target = this.#target;
      if (!this.#watchesNamed()) {
        // No poll here watches a named task: nothing in the feed concerns
        // this process (a hub loaded later reads the task itself).
        this.#seen = target;
        continue;
      }
      const from = this.#seen + 1;
      const ids = new Set<string>();
      let first: number | undefined;
      for await (
        const entry of this.#kv.list<string>({
          start: [...FEED_PREFIX, from],
          end: [...FEED_PREFIX, target + 1],
        })
      ) {
        const seq = entry.key[FEED_PREFIX.length];
        if (typeof seq !== "number") continue;
        first ??= seq;
        if (typeof entry.value === "string") ids.add(entry.value);
      }
      if (first !== from) {
        // The feed was trimmed past where this process was: re-read all.
        await this.#readInto(this.#hubs.ids());
      } else {
        await this.#readInto([...ids].filter((id) => this.#hubs.has(id)));
      }
      this.#seen = target;
    }
  }

  /** True when some poll of this process watches a task other than `default`. */
  #watchesNamed(): boolean {
    return this.#hubs.size > (this.#hubs.has(DEFAULT_TASK) ? 1 : 0);
  }

  /** Reads the named tasks among `ids` in batches with the head, and offers them to their hubs. */
  async #readInto(ids: string[]): Promise<void> {
    const named = ids.filter((id) => id !== DEFAULT_TASK);
    for (let i = 0; i < named.length; i += BATCH) {
      const batch = named.slice(i, i + BATCH);
      const entries = await this.#kv.getMany([
        ...batch.map(taskKey),
        HEAD_KEY,
      ]);
      const head = entries[batch.length];
      batch.forEach((id, j) => {
        const entry = entries[j];
        let record: StoredStatus | undefined;
        try {
          record = this.#parse(id, entry);
        } catch (error) {
          this.#onError(error);
          return;
        }
        this.#hubs.offer(id, {
          record: record ?? unsetStatus(this.#since),
          mark: markOf(entry.versionstamp, head.versionstamp),
        });
      });
    }
  }

  #parse(
    id: string,
    entry: Deno.KvEntryMaybe<unknown>,
  ): StoredStatus | undefined {
    if (entry.versionstamp === null) return undefined;
    const record = parseStoredStatus(entry.value);
    if (record === undefined) {
      throw new BadRecordError(
        `the value at ${JSON.stringify(taskKey(id))} is not a status record`,
      );
    }
    return record;
  }
}
