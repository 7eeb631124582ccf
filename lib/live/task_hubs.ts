import type { WaitOutcome } from "./broadcaster.ts";
import { Deadlines } from "./deadlines.ts";
import { type Announcement, StateHub } from "./state_hub.ts";
import { type AnyOutcome, waitAny } from "./wait_any.ts";
import type { StoredStatus } from "../domain/stored_record.ts";

/** A task's record as the store read or wrote it, and where in the store's order. */
export interface TaskSnapshot {
  record: StoredStatus;
  /**
   * The store's position when it was read or written (a versionstamp, a
   * sequence number): whatever the store did later has a later mark.
   */
  mark: string;
}

/**
 * True when `mark` comes after `than`. Marks are decimal numbers or
 * fixed-width hex strings: a longer one is later, else text order is
 * order. The empty mark comes before any other.
 */
export function isLaterMark(mark: string, than: string): boolean {
  return mark.length !== than.length ? mark.length > than.length : mark > than;
}

/** Reads a task's record from the store (synchronously when the store is this process's memory). */
export type SnapshotLoader = (
  id: string,
) => TaskSnapshot | Promise<TaskSnapshot>;

interface Entry {
  /** Set once loaded. */
  hub: StateHub | undefined;
  /** The mark of the hub's state. */
  mark: string;
  loading: Promise<StateHub> | undefined;
  /** The newest snapshot offered while loading. */
  stash: TaskSnapshot | undefined;
  /** Acquired and not released, plus held polls: the hub is kept while any. */
  users: number;
  pinned: boolean;
}

/**
 * The hubs of the tasks this process watches, created when a poll first
 * needs one and dropped when no poll holds it (unless pinned: the
 * `default` task's is always kept), so that a task nobody watches costs
 * only what its store keeps. The hubs share one deadline timer, and the
 * held polls of every task are counted here (a poll of several tasks
 * counts once).
 *
 * A store offers every record it reads, writes or hears of; a record is
 * taken only if its mark is later than the hub's, so records arriving out
 * of order (a watch, a reply, a re-read) never take a hub back.
 */
export class TaskHubs {
  /** The one timer of every held poll's deadline. */
  readonly deadlines: Deadlines;
  #entries = new Map<string, Entry>();
  #load: SnapshotLoader;
  #polls = 0;

  /** `load` reads a task the first time a poll needs its hub. */
  constructor(load: SnapshotLoader, deadlines = new Deadlines()) {
    this.#load = load;
    this.deadlines = deadlines;
  }

  /** Polls held now, of every task (MAX_WAITERS counts these). */
  get polls(): number {
    return this.#polls;
  }

  /** Hubs kept now, loaded or loading. */
  get size(): number {
    return this.#entries.size;
  }

  /** The ids of the tasks with a hub (to read them again after a lost connection). */
  ids(): string[] {
    return [...this.#entries.keys()];
  }

  /** The loaded hub of `id`, if this process keeps one. */
  peek(id: string): StateHub | undefined {
    return this.#entries.get(id)?.hub;
  }

  /** Whether this process keeps (or is loading) a hub for `id`: only then is news of it worth reading. */
  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** Keeps `hub` for `id` for good (the `default` task's, which its store feeds itself). */
  pin(id: string, hub: StateHub, mark = ""): void {
    this.#entries.set(id, {
      hub,
      mark,
      loading: undefined,
      stash: undefined,
      users: 0,
      pinned: true,
    });
  }

  /** A new hub for a state (sharing this registry's deadline timer). */
  newHub(record: StoredStatus): StateHub {
    const hub = new StateHub(record.state, record.history, this.deadlines);
    hub.identity = record.identity;
    return hub;
  }

  /**
   * The hub of `id`, loaded first if none is kept: synchronous when kept or
   * when the loader is. The hub is kept until {@link release}; compare
   * versions and {@link hold} in the same tick the hub is handed over. A
   * load that fails rejects, and is not to be released.
   */
  acquire(id: string): StateHub | Promise<StateHub> {
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      entry = {
        hub: undefined,
        mark: "",
        loading: undefined,
        stash: undefined,
        users: 0,
        pinned: false,
      };
      this.#entries.set(id, entry);
    }
    entry.users++;
    if (entry.hub !== undefined) return entry.hub;
    if (entry.loading !== undefined) return this.#joined(id, entry);
    let loaded: TaskSnapshot | Promise<TaskSnapshot>;
    try {
      loaded = this.#load(id);
    } catch (error) {
      this.#failed(id, entry);
      throw error;
    }
    if (!(loaded instanceof Promise)) return this.#settle(entry, loaded);
    const current = entry;
    current.loading = loaded.then((snapshot) =>
      this.#settle(current, snapshot)
    );
    return this.#joined(id, current);
  }

  /** Gives back a hub taken with {@link acquire}; it is dropped when nobody uses it. */
  release(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    entry.users--;
    if (entry.users <= 0 && !entry.pinned && entry.loading === undefined) {
      this.#entries.delete(id);
    }
  }

  /**
   * Takes a record the store read, wrote or heard of for `id`: ignored when
   * no hub is kept for it or when its mark is not later than the hub's;
   * else the hub takes it (waking its polls if the version is new).
   */
  offer(id: string, snapshot: TaskSnapshot): Announcement | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.hub === undefined) {
      if (
        entry.stash === undefined ||
        isLaterMark(snapshot.mark, entry.stash.mark)
      ) {
        entry.stash = snapshot;
      }
      return undefined;
    }
    if (!isLaterMark(snapshot.mark, entry.mark)) return undefined;
    entry.mark = snapshot.mark;
    const { record } = snapshot;
    entry.hub.identity = record.identity;
    return entry.hub.apply(record.state, record.history);
  }

  /** The mark of the hub of `id` (undefined while none is loaded). */
  markOf(id: string): string | undefined {
    const entry = this.#entries.get(id);
    return entry?.hub === undefined ? undefined : entry.mark;
  }

  /**
   * Holds a poll on the hub of `id` (acquired by the caller) until its next
   * announcement, the deadline or the abort; counted in {@link polls}
   * meanwhile, and keeping the hub.
   */
  hold(
    id: string,
    hub: StateHub,
    timeoutMs: number,
    signal?: AbortSignal,
    slackMs = 0,
  ): Promise<WaitOutcome<Announcement>> {
    this.#use(id);
    this.#polls++;
    return hub.hold(timeoutMs, signal, slackMs).then((outcome) => {
      this.#polls--;
      this.release(id);
      return outcome;
    });
  }

  /**
   * Holds one poll on several hubs (acquired by the caller) until the first
   * announcement of any, the deadline or the abort; it counts as one poll,
   * and whatever ends it leaves no listener on any hub.
   */
  holdMany(
    ids: readonly string[],
    hubs: readonly StateHub[],
    timeoutMs: number,
    signal?: AbortSignal,
    slackMs = 0,
  ): Promise<AnyOutcome<Announcement>> {
    for (const id of ids) this.#use(id);
    this.#polls++;
    return waitAny(hubs, this.deadlines, timeoutMs, signal, slackMs).then(
      (outcome) => {
        this.#polls--;
        for (const id of ids) this.release(id);
        return outcome;
      },
    );
  }

  /** Answers every held poll of every task with its current state (the server is stopping); returns how many. */
  releaseAll(): number {
    let pending = 0;
    for (const entry of [...this.#entries.values()]) {
      if (entry.hub !== undefined) pending += entry.hub.release().pending;
    }
    return pending;
  }

  #use(id: string): void {
    const entry = this.#entries.get(id);
    if (entry !== undefined) entry.users++;
  }

  #settle(entry: Entry, loaded: TaskSnapshot): StateHub {
    const snapshot = entry.stash !== undefined &&
        isLaterMark(entry.stash.mark, loaded.mark)
      ? entry.stash
      : loaded;
    const hub = this.newHub(snapshot.record);
    entry.hub = hub;
    entry.mark = snapshot.mark;
    entry.loading = undefined;
    entry.stash = undefined;
    return hub;
  }

  async #joined(id: string, entry: Entry): Promise<StateHub> {
    try {
      return await entry.loading!;
    } catch (error) {
      this.#failed(id, entry);
      throw error;
    }
  }

  /** A load failed: its acquirers are told (they release nothing), and the entry goes unless others use it. */
  #failed(id: string, entry: Entry): void {
    entry.users--;
    entry.loading = undefined;
    entry.stash = undefined;
    if (
      entry.users <= 0 && entry.hub === undefined &&
      this.#entries.get(id) === entry
    ) {
      this.#entries.delete(id);
    }
  }
}
