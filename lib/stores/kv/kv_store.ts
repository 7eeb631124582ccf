import { dirname } from "node:path";
import { appendChange } from "../../domain/history.ts";
import {
  freshStatus,
  newEpoch,
  parseStoredStatus,
  type StoredStatus,
} from "../../domain/stored_record.ts";
import { isNewerStamp } from "./versionstamp.ts";
import { followKey, type KeyFollower } from "./kv_watch.ts";
import type { StateHub } from "../../live/state_hub.ts";
import { TaskHubs } from "../../live/task_hubs.ts";
import {
  DEFAULT_MAX_TASKS,
  type StatusStore,
  type StoreHealthReport,
  StoreOpenError,
  StoreUnavailableError,
  TaskLimitError,
  type TaskRead,
} from "../status_store.ts";
import { DEFAULT_TASK } from "../../domain/task_id.ts";
import type { StoredIdentity } from "../../domain/task_identity.ts";
import {
  type ListedTask,
  type ListQuery,
  mergePage,
  type TaskPage,
} from "../../domain/task_list.ts";
import { decideTaskUpdate, withIdentity } from "../../domain/task_record.ts";
import {
  BadRecordError,
  HEAD_KEY,
  KvTasks,
  type WritePlan,
} from "./kv_tasks.ts";
import { describeFault, StoreHealth } from "../store_health.ts";
import { DEFAULT_STORE_TIMEOUT_MS } from "../store_deadline.ts";
import {
  transition,
  type UpdateRequest,
  type UpdateResult,
} from "../../domain/update_rule.ts";

/** The one key the status lives under: one value, far under KV's 64 KiB limit. */
export const STATUS_KEY: Deno.KvKey = ["status", "state"];

/**
 * Where health probes write (see {@link KvStore.checkHealth}): a key of
 * its own, so that a probe wakes no poll and changes no versionstamp of
 * the status.
 */
export const PROBE_KEY: Deno.KvKey = ["status", "probe"];

/** How often a store on an embedded file re-reads the status, to see other processes' writes. */
export const KV_REFRESH_MS = 1_000;

/** Options for {@link KvStore.open}. */
export interface KvStoreOptions {
  now?: () => Date;
  /** Re-read the status this often (see {@link KV_REFRESH_MS}); undefined: rely on the watch alone. */
  refreshMs?: number;
  /** Commits tried per update before answering "unavailable" (other writers kept winning). */
  maxAttempts?: number;
  /** Pause before watching or probing again after a failure. */
  retryMs?: number;
  /** An update not under way within this answers "unavailable" (default {@link DEFAULT_STORE_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Where failures and recoveries are told (default `console.error`). */
  log?: (line: string) => void;
  /** Named tasks stored at most (MAX_TASKS, default {@link DEFAULT_MAX_TASKS}). */
  maxTasks?: number;
}

/** The stored status and the versionstamp it was read or written at. */
interface Current {
  record: StoredStatus;
  stamp: string;
}

/**
 * True for SQLite's "database is locked": another connection to the file
 * (another worker or process) was writing. Nothing was written; try again.
 */
function isBusy(error: unknown): boolean {
  return error instanceof Error &&
    /database is (locked|busy)/i.test(error.message);
}

/** Waits a little, longer after each failed attempt, with jitter so that writers spread out. */
function pause(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(64, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries `operation` while the database is busy, up to `attempts` times. */
async function whileBusy<T>(
  operation: () => Promise<T>,
  attempts = 50,
): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isBusy(error) || attempt >= attempts) throw error;
    }
    await pause(attempt);
  }
}

/**
 * Reads the stored status, creating a new version sequence if there is none.
 * The create checks that the key is still absent, so processes starting
 * together on an empty database agree on one epoch.
 */
async function readOrCreate(kv: Deno.Kv, now: () => Date): Promise<Current> {
  for (;;) {
    const entry = await kv.get(STATUS_KEY);
    if (entry.versionstamp !== null) {
      const record = parseStoredStatus(entry.value);
      if (record === undefined) {
        throw new Error(
          `the value at ${JSON.stringify(STATUS_KEY)} is not a status record`,
        );
      }
      return { record, stamp: entry.versionstamp };
    }
    const record = freshStatus(newEpoch(), now());
    const created = await kv.atomic().check(entry).set(STATUS_KEY, record)
      .commit();
    if (created.ok) return { record, stamp: created.versionstamp };
  }
}

/**
 * Keeps the status in Deno KV: an embedded SQLite file on one machine, the
 * replicated database on Deno Deploy. Every update is one atomic commit
 * checked against the versionstamp of the state it was decided on, so
 * versions are never skipped, repeated or reordered, whichever process or
 * isolate writes. Changes
 * written elsewhere arrive through `kv.watch` and wake this process's polls.
 *
 * An update waits for its turn and retries a busy database only until its
 * deadline (`timeoutMs`), then answers "unavailable" having written nothing.
 * A commit already handed to the database is waited for: it cannot be
 * called back, so answering before it ends could report a failure for an
 * update that is then stored.
 */
export class KvStore implements StatusStore {
  readonly kind = "kv";
  readonly hub: StateHub;
  readonly hubs: TaskHubs;
  #kv: Deno.Kv;
  #tasks: KvTasks;
  /** Serialises this process's writes of named tasks (they all bump the one head). */
  #tasksLock = `kv-tasks-update-${crypto.randomUUID()}`;
  #headFollower: KeyFollower | undefined;
  #now: () => Date;
  /** When this store opened: tasks never stored read as unset since then. */
  #since: Date;
  #maxAttempts: number;
  #timeoutMs: number;
  #health: StoreHealth;
  /** Serialises this process's updates, so they do not fight each other for the commit. */
  #lock = `kv-status-update-${crypto.randomUUID()}`;
  /**
   * The newest stored status this process has seen (read, written or
   * watched) and its versionstamp: entries are applied in commit order.
   */
  #latest: Current;
  #follower: KeyFollower | undefined;
  #closed = false;

  private constructor(kv: Deno.Kv, current: Current, options: KvStoreOptions) {
    this.#kv = kv;
    this.#now = options.now ?? (() => new Date());
    this.#maxAttempts = options.maxAttempts ?? 50;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.#health = new StoreHealth({
      name: "kv store",
      probe: () => this.#probe(),
      timeoutMs: this.#timeoutMs,
      retryMs: options.retryMs ?? 1_000,
      log: options.log,
    });
    this.#latest = current;
    this.hubs = new TaskHubs((id) => this.#tasks.load(id));
    this.hub = this.hubs.newHub(current.record);
    this.hubs.pin(DEFAULT_TASK, this.hub);
    this.#since = this.#now();
    this.#tasks = new KvTasks(kv, this.hubs, {
      since: this.#since,
      maxTasks: options.maxTasks ?? DEFAULT_MAX_TASKS,
      onError: (error) => this.#onError(error),
    });
  }

  /**
   * Reads (or creates) the status in an open database and starts following
   * it. Throws what the database threw; the store owns `kv` from then on.
   */
  static async open(
    kv: Deno.Kv,
    options: KvStoreOptions = {},
  ): Promise<KvStore> {
    const store = new KvStore(
      kv,
      await whileBusy(() =>
        readOrCreate(kv, options.now ?? (() => new Date()))
      ),
      options,
    );
    try {
      await whileBusy(() => store.#tasks.start());
    } catch (error) {
      await store.#health.close();
      throw error;
    }
    const follow = {
      refreshMs: options.refreshMs,
      retryMs: options.retryMs ?? 1_000,
    };
    store.#follower = followKey(kv, STATUS_KEY, {
      onEntry: (entry) => store.#onEntry(entry),
      onError: (error) => store.#onError(error),
    }, follow);
    // Every named task's write bumps the head: following it follows them all.
    store.#headFollower = followKey(kv, HEAD_KEY, {
      onEntry: (entry) => store.#tasks.onHead(entry),
      onError: (error) => store.#onError(error),
    }, follow);
    return store;
  }

  /**
   * Applies an update with one checked commit, deciding again while other
   * writers win. Answers "unavailable" when its turn or a busy database
   * takes longer than `timeoutMs`; nothing is written then.
   */
  update(taskId: string, request: UpdateRequest): Promise<UpdateResult> {
    if (taskId === DEFAULT_TASK) {
      return this.#serialized(
        this.#lock,
        (late) => this.#update(request, late),
      );
    }
    return this.#serialized(
      this.#tasksLock,
      (late) =>
        this.#writeTask<UpdateResult>(taskId, late, (stored) => {
          const decided = decideTaskUpdate(
            stored,
            request,
            this.#now(),
            this.#since,
            newEpoch(),
          );
          return decided.kind === "changed"
            ? {
              write: true,
              record: decided.record,
              countDelta: decided.created ? 1 : 0,
              result: { kind: "changed", state: decided.state },
            }
            : {
              write: false,
              result: { kind: decided.kind, state: decided.state },
            };
        }),
    );
  }

  /** See {@link StatusStore.read}: from the database, not from a hub. */
  async read(taskId: string): Promise<TaskRead> {
    if (this.#closed) throw new StoreUnavailableError("the store is closed");
    try {
      if (taskId === DEFAULT_TASK) {
        const current = await whileBusy(() =>
          readOrCreate(this.#kv, this.#now)
        );
        this.#apply(current);
        return { record: current.record, stored: true };
      }
      const { record, stored } = await whileBusy(() =>
        this.#tasks.load(taskId)
      );
      return { record, stored };
    } catch (error) {
      throw this.#failure(error);
    }
  }

  /** See {@link StatusStore.setIdentity}. */
  setIdentity(taskId: string, identity: StoredIdentity): Promise<TaskRead> {
    if (taskId === DEFAULT_TASK) {
      return this.#serialized(this.#lock, async () => {
        for (let attempt = 1;; attempt++) {
          const mark = this.#health.begin();
          try {
            const current = await readOrCreate(this.#kv, this.#now);
            const record = { ...current.record, identity };
            const commit = await this.#kv.atomic()
              .check({ key: STATUS_KEY, versionstamp: current.stamp })
              .set(STATUS_KEY, record).commit();
            if (commit.ok) {
              this.#health.succeeded(mark);
              this.#apply({ record, stamp: commit.versionstamp });
              return { record, stored: true };
            }
          } catch (error) {
            if (!isBusy(error)) throw this.#failure(error);
          }
          if (attempt >= this.#maxAttempts) throw this.#busy(attempt);
          await pause(attempt);
        }
      });
    }
    return this.#serialized(
      this.#tasksLock,
      (late) =>
        this.#writeTask(taskId, late, (stored) => {
          const { record, created } = withIdentity(
            stored,
            identity,
            this.#now(),
            newEpoch(),
          );
          return {
            write: true,
            record,
            countDelta: created ? 1 : 0,
            result: { record, stored: true },
          };
        }),
    );
  }

  /** See {@link StatusStore.delete}: the `default` task starts over under a new epoch. */
  delete(taskId: string): Promise<boolean> {
    if (taskId === DEFAULT_TASK) {
      return this.#serialized(this.#lock, async () => {
        try {
          const entry = await whileBusy(() => this.#kv.get(STATUS_KEY));
          if (entry.versionstamp === null) return false;
          await whileBusy(() => this.#kv.atomic().delete(STATUS_KEY).commit());
          this.#apply(await whileBusy(() => readOrCreate(this.#kv, this.#now)));
          return true;
        } catch (error) {
          throw this.#failure(error);
        }
      });
    }
    return this.#serialized(this.#tasksLock, (late) =>
      this.#writeTask<boolean>(
        taskId,
        late,
        (stored) =>
          stored === undefined
            ? { write: false, result: false }
            : { write: true, record: null, countDelta: -1, result: true },
      ));
  }

  /** See {@link StatusStore.list}: the named tasks' range, with `default` in its place. */
  async list(query: ListQuery): Promise<TaskPage<ListedTask>> {
    if (this.#closed) throw new StoreUnavailableError("the store is closed");
    let listed;
    try {
      listed = await whileBusy(() => this.#tasks.list(query));
    } catch (error) {
      throw this.#failure(error);
    }
    const { state, identity } = this.#latest.record;
    return mergePage(
      listed,
      identity === undefined
        ? { id: DEFAULT_TASK, state }
        : { id: DEFAULT_TASK, state, identity },
      query,
    );
  }

  /** A write of a named task: decide-commit rounds until one commits, or the deadline. */
  async #writeTask<T>(
    taskId: string,
    late: AbortSignal,
    decide: (stored: StoredStatus | undefined) => WritePlan<T>,
  ): Promise<T> {
    for (let attempt = 1;; attempt++) {
      if (late.aborted) {
        throw new StoreUnavailableError(
          `no answer within ${this.#timeoutMs} ms: the KV database stayed busy (another process is writing)`,
        );
      }
      const mark = this.#health.begin();
      try {
        const result = await this.#tasks.attempt(taskId, decide);
        if (result !== undefined) {
          this.#health.succeeded(mark);
          return result;
        }
      } catch (error) {
        if (error instanceof TaskLimitError) throw error;
        if (!isBusy(error)) throw this.#failure(error);
      }
      if (attempt >= this.#maxAttempts) throw this.#busy(attempt);
      await pause(attempt);
    }
  }

  #busy(attempt: number): StoreUnavailableError {
    return new StoreUnavailableError(
      `other writers kept the database busy for ${attempt} attempts; try again`,
    );
  }

  /** A database failure: recorded (a bad record, or the database failing) and turned into "unavailable". */
  #failure(error: unknown): Error {
    if (
      error instanceof StoreUnavailableError || error instanceof TaskLimitError
    ) {
      return error;
    }
    const message = error instanceof BadRecordError
      ? error.message
      : `the KV database failed: ${describeFault(error)}`;
    this.#health.failed(message);
    return new StoreUnavailableError(message);
  }

  /**
   * Runs `operation` alone among this process's operations on `lock`,
   * answering "unavailable" when its turn or the operation takes longer
   * than `timeoutMs` (it is told through `late`).
   */
  async #serialized<T>(
    lock: string,
    operation: (late: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.#closed) throw new StoreUnavailableError("the store is closed");
    const late = new AbortController();
    let running = false;
    const timer = setTimeout(() => {
      // The update ahead of the queued ones is the slow one: only it says so.
      if (running) {
        this.#health.failed(
          `an update has waited for the KV database for more than ${this.#timeoutMs} ms`,
        );
      }
      late.abort();
    }, this.#timeoutMs);
    try {
      return await navigator.locks.request(
        lock,
        { signal: late.signal },
        () => {
          running = true;
          return operation(late.signal);
        },
      );
    } catch (error) {
      if (running || !late.signal.aborted) throw error;
      throw new StoreUnavailableError(
        `no answer within ${this.#timeoutMs} ms: the updates ahead of it are still being written`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** False from a failure until a write succeeds again. */
  healthy(): boolean {
    return this.#health.healthy;
  }

  /** See {@link StatusStore.checkHealth}: the probe writes {@link PROBE_KEY}. */
  checkHealth(): Promise<StoreHealthReport> {
    return this.#health.check();
  }

  /** Ends the watch and the probes, lets queued updates finish, then closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const probing = this.#health.close();
    await this.#follower?.stop();
    await this.#headFollower?.stop();
    await probing;
    // Updates already queued finish before the database goes away.
    await navigator.locks.request(this.#lock, () => {});
    await navigator.locks.request(this.#tasksLock, () => {});
    this.#kv.close();
  }

  async #update(
    request: UpdateRequest,
    late: AbortSignal,
  ): Promise<UpdateResult> {
    for (let attempt = 1;; attempt++) {
      if (late.aborted) {
        throw new StoreUnavailableError(
          `no answer within ${this.#timeoutMs} ms: the KV database stayed busy (another process is writing)`,
        );
      }
      const result = await this.#attempt(request, attempt === 1);
      if (result !== undefined) return result;
      if (attempt >= this.#maxAttempts) {
        throw new StoreUnavailableError(
          `other writers kept the database busy for ${attempt} attempts; try again`,
        );
      }
      await pause(attempt);
    }
  }

  /**
   * One decide-commit round. Undefined when it must be tried again: another
   * writer committed first, or held SQLite's write lock.
   *
   * The first round decides on the newest state this process has seen and
   * lets the commit's versionstamp check prove it current, which saves a
   * read (a round trip to the primary region on Deno Deploy). Only a change
   * is proven that way, so a refusal (unchanged, conflict) is decided again
   * on a fresh read.
   */
  async #attempt(
    request: UpdateRequest,
    fromLatest: boolean,
  ): Promise<UpdateResult | undefined> {
    const mark = this.#health.begin();
    try {
      let current = fromLatest ? this.#latest : await this.#read();
      let step = transition(current.record.state, request, this.#now());
      if (step.kind !== "changed" && fromLatest) {
        current = await this.#read();
        step = transition(current.record.state, request, this.#now());
      }
      if (step.kind !== "changed") {
        return { kind: step.kind, state: step.state };
      }
      const record: StoredStatus = {
        state: step.state,
        history: appendChange(current.record.history, step.change),
      };
      if (current.record.identity !== undefined) {
        record.identity = current.record.identity;
      }
      const commit = await this.#kv.atomic()
        .check({ key: STATUS_KEY, versionstamp: current.stamp })
        .set(STATUS_KEY, record)
        .commit();
      if (!commit.ok) return undefined;
      this.#health.succeeded(mark);
      this.#apply({ record, stamp: commit.versionstamp });
      return { kind: "changed", state: step.state };
    } catch (error) {
      if (isBusy(error)) return undefined;
      const message = `the KV database failed: ${describeFault(error)}`;
      this.#health.failed(message);
      throw new StoreUnavailableError(message);
    }
  }

  /** Reads the stored status (creating it if the data was wiped) and takes it in. */
  async #read(): Promise<Current> {
    const current = await readOrCreate(this.#kv, this.#now);
    this.#apply(current);
    return current;
  }

  /** Hands a newer stored state to the hub; older or already known ones are ignored. */
  #apply(current: Current): void {
    if (!isNewerStamp(current.stamp, this.#latest.stamp)) return;
    this.#latest = current;
    this.hub.identity = current.record.identity;
    this.hub.apply(current.record.state, current.record.history);
  }

  async #onEntry(entry: Deno.KvEntryMaybe<unknown>): Promise<void> {
    if (entry.versionstamp === null) {
      // The data was wiped: start a new sequence (once, whoever gets there first).
      await navigator.locks.request(this.#lock, async () => {
        if (this.#closed) return;
        this.#apply(await whileBusy(() => readOrCreate(this.#kv, this.#now)));
      }).catch((error) => this.#onError(error));
      return;
    }
    const record = parseStoredStatus(entry.value);
    if (record === undefined) {
      this.#health.failed(
        `the value at ${JSON.stringify(STATUS_KEY)} is not a status record`,
      );
      return;
    }
    this.#apply({ record, stamp: entry.versionstamp });
  }

  #onError(error: unknown): void {
    if (!isBusy(error)) {
      this.#health.failed(
        `following the status failed: ${describeFault(error)}`,
      );
    }
  }

  /**
   * Proves that updates can be stored: reads the status (a bad record
   * fails) and writes {@link PROBE_KEY} with as many bytes as the status
   * record, so that a probe that fits means an update would fit too.
   */
  async #probe(): Promise<void> {
    try {
      const current = await whileBusy(() => readOrCreate(this.#kv, this.#now));
      const size = JSON.stringify(current.record).length;
      await whileBusy(() =>
        this.#kv.atomic().set(PROBE_KEY, new Uint8Array(size)).commit()
      );
      this.#apply(current);
    } catch (error) {
      throw new Error(`the KV database failed: ${describeFault(error)}`);
    }
  }
}

/**
 * Opens the status store on Deno KV: the embedded file at `path` (its folder
 * is created if missing), or the Deno Deploy database when `path` is
 * undefined. Throws {@link StoreOpenError} naming the path when the file
 * cannot be opened or holds something else.
 */
export async function openKvStore(
  path: string | undefined,
  options: KvStoreOptions = {},
): Promise<KvStore> {
  const where = path === undefined
    ? "the deployment's KV database"
    : `KV_PATH ${path}`;
  const embedded = path !== undefined && path !== ":memory:";
  const openOnce = async (): Promise<KvStore> => {
    let kv: Deno.Kv;
    try {
      if (embedded) await Deno.mkdir(dirname(path), { recursive: true });
      kv = await Deno.openKv(path);
    } catch (error) {
      throw isBusy(error) ? error : new StoreOpenError(
        `${where} cannot be opened: ${describeFault(error)}`,
      );
    }
    try {
      return await KvStore.open(kv, {
        refreshMs: embedded ? KV_REFRESH_MS : undefined,
        ...options,
      });
    } catch (error) {
      kv.close();
      throw isBusy(error) ? error : new StoreOpenError(
        `${where} cannot be used: ${describeFault(error)}`,
      );
    }
  };
  // Processes or workers starting together on one file find it locked
  // while another sets it up: that passes, so wait for it a while.
  const deadline = Date.now() + OPEN_BUSY_WAIT_MS;
  for (let attempt = 1;; attempt++) {
    try {
      return await openOnce();
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (Date.now() > deadline) {
        throw new StoreOpenError(
          `${where} cannot be opened: ${describeFault(error)}`,
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(25 * attempt, 250)));
    }
  }
}

/** How long opening waits for a file that another process holds locked. */
const OPEN_BUSY_WAIT_MS = 5_000;
