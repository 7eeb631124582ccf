import { type CommandParser, createClient, defineScript } from "@redis/client";
import { HISTORY_LIMIT } from "../../domain/history.ts";
import { newEpoch, type StoredStatus } from "../../domain/stored_record.ts";
import { StoreOpenError } from "../status_store.ts";
import type { UpdateRequest, UpdateResult } from "../../domain/update_rule.ts";
import {
  describeRedisUrl,
  intake,
  parseAnnouncement,
  parseSnapshot,
  parseUpdateReply,
} from "./redis_record.ts";
import {
  READ_SCRIPT,
  type RedisLayout,
  redisLayout,
  UPDATE_SCRIPT,
} from "./redis_scripts.ts";
import type { Change, TaskState } from "../../domain/task_state.ts";
import { StateHub } from "../../live/state_hub.ts";
import { INITIAL_STATUS } from "../../domain/statuses.ts";
import { type StatusStore, StoreUnavailableError } from "../status_store.ts";

/** Options for {@link openRedisStore}. */
export interface RedisStoreOptions {
  now?: () => Date;
  /** Keys and channel start with this (default `status:`). */
  prefix?: string;
  /** How long opening may try to reach Redis before it fails (default 2500 ms). */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts at run time (default 1000 ms). */
  retryMs?: number;
}

/** A script run with the status's two keys and its arguments. */
function script(source: string) {
  return defineScript({
    SCRIPT: source,
    NUMBER_OF_KEYS: 2,
    parseCommand(parser: CommandParser, layout: RedisLayout, args: string[]) {
      parser.pushKeys([layout.state, layout.history]);
      parser.push(...args);
    },
    // Replies are narrowed by lib/redis_record.ts, not trusted as typed.
    transformReply: (reply: unknown): unknown => reply,
  });
}

type ReconnectStrategy = (retries: number, cause: Error) => number | Error;

function newClient(
  url: string,
  connectTimeoutMs: number,
  reconnect: ReconnectStrategy,
) {
  return createClient({
    url,
    // While Redis is away, commands fail at once (the update answers 503)
    // instead of queueing until it is back.
    disableOfflineQueue: true,
    scripts: {
      statusRead: script(READ_SCRIPT),
      statusUpdate: script(UPDATE_SCRIPT),
    },
    socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: reconnect },
  });
}

type Client = ReturnType<typeof newClient>;

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replaceAll(/\s*\n\s*/g, " ") || String(error);
}

/** Runs `task`, failing with `message` if it has not settled within `ms`. */
async function within<T>(
  ms: number,
  task: Promise<T>,
  message: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([task, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Keeps the status in Redis, shared by any number of processes on any
 * number of machines. Each update is one Lua script run on the server
 * (lib/redis_scripts.ts) that decides, bumps the version, writes the state
 * and the history, and publishes the new state, so versions are never
 * skipped, repeated or reordered. Every process subscribes to the channel
 * once; its own replies and the messages wake its polls through the hub,
 * each version once. After Redis comes back, it re-reads the state once it
 * is subscribed again, so a change made meanwhile is not missed.
 */
export class RedisStore implements StatusStore {
  readonly kind = "redis";
  readonly hub: StateHub;
  #client: Client;
  #subscriber: Client;
  #layout: RedisLayout;
  #where: string;
  #now: () => Date;
  #retryMs: number;
  /** Epochs this process has moved on from: late news from them is ignored. */
  #retired = new Set<string>();
  /** A read that has not started yet, which new callers share. */
  #queuedRead: Promise<void> | undefined;
  #reads: Promise<void> = Promise.resolve();
  #fault: string | undefined;
  /** Bumped by every failure, so a recovery that raced one does not clear it. */
  #failures = 0;
  #recovering = false;
  #recovery: Promise<void> = Promise.resolve();
  #nudge: () => void = () => {};
  #stop = new AbortController();
  #closed = false;

  private constructor(
    client: Client,
    subscriber: Client,
    snapshot: StoredStatus,
    where: string,
    layout: RedisLayout,
    options: RedisStoreOptions,
  ) {
    this.#client = client;
    this.#subscriber = subscriber;
    this.#where = where;
    this.#layout = layout;
    this.#now = options.now ?? (() => new Date());
    this.#retryMs = options.retryMs ?? 1_000;
    this.hub = new StateHub(snapshot.state, snapshot.history);
  }

  /**
   * Connects (giving up after `connectTimeoutMs`), subscribes, then reads
   * or creates the status. Throws {@link StoreOpenError} naming REDIS_URL.
   */
  static async open(
    url: string,
    options: RedisStoreOptions = {},
  ): Promise<RedisStore> {
    const where = `REDIS_URL ${describeRedisUrl(url)}`;
    const layout = redisLayout(options.prefix ?? "status:");
    const now = options.now ?? (() => new Date());
    const connectTimeoutMs = options.connectTimeoutMs ?? 2_500;
    const retryMs = options.retryMs ?? 1_000;
    const deadline = Date.now() + connectTimeoutMs;
    // Set once open: until then, errors and messages are kept for later.
    const opened: { store?: RedisStore } = {};
    const pending: string[] = [];
    // At start a refused connection is retried until the deadline; once
    // open, Redis is waited for as long as it takes.
    const reconnect: ReconnectStrategy = (retries, cause) => {
      if (opened.store !== undefined) {
        return Math.min(retryMs, 50 * 2 ** Math.min(retries, 10));
      }
      return Date.now() + 100 < deadline ? 100 : cause;
    };

    let client: Client;
    try {
      client = newClient(url, connectTimeoutMs, reconnect);
    } catch (error) {
      throw new StoreOpenError(`${where} cannot be used: ${reason(error)}`);
    }
    const subscriber = client.duplicate();
    let lastError: unknown;
    for (const c of [client, subscriber]) {
      c.on("error", (error: unknown) => {
        const store = opened.store;
        if (store === undefined) lastError = error;
        else store.#failed(`${where} failed: ${reason(error)}`);
      });
      c.on("ready", () => {
        if (opened.store !== undefined) opened.store.#nudge();
      });
    }
    const giveUp = () => {
      client.destroy();
      subscriber.destroy();
    };

    try {
      await within(
        connectTimeoutMs,
        (async () => {
          await client.connect();
          await subscriber.connect();
          await subscriber.subscribe(layout.channel, (message: string) => {
            const store = opened.store;
            if (store === undefined) pending.push(message);
            else store.#onMessage(message);
          });
        })(),
        `no answer within ${connectTimeoutMs} ms`,
      );
    } catch (error) {
      giveUp();
      const cause = lastError ?? error;
      throw new StoreOpenError(`${where} cannot be reached: ${reason(cause)}`);
    }

    let snapshot: StoredStatus | undefined;
    try {
      // Read only once subscribed: a change made in between is in the read.
      snapshot = parseSnapshot(
        await client.statusRead(layout, startArgs(layout, now)),
      );
    } catch (error) {
      giveUp();
      throw new StoreOpenError(`${where} cannot be used: ${reason(error)}`);
    }
    if (snapshot === undefined) {
      giveUp();
      throw new StoreOpenError(
        `${where} cannot be used: the data at ${layout.state} is not a status record`,
      );
    }
    const store = new RedisStore(
      client,
      subscriber,
      snapshot,
      where,
      layout,
      options,
    );
    opened.store = store;
    for (const message of pending) store.#onMessage(message);
    if (!client.isReady || !subscriber.isReady) {
      store.#failed(`${where} failed: ${reason(lastError)}`);
    }
    return store;
  }

  /** Runs the update script: one atomic decision and write on the server. */
  async update(request: UpdateRequest): Promise<UpdateResult> {
    if (this.#closed) throw new StoreUnavailableError("the store is closed");
    let reply: unknown;
    try {
      reply = await this.#client.statusUpdate(this.#layout, [
        ...startArgs(this.#layout, this.#now),
        request.status,
        request.expectedVersion === undefined
          ? ""
          : String(request.expectedVersion),
        String(HISTORY_LIMIT),
      ]);
    } catch (error) {
      const message = this.#closed
        ? "the store is closed"
        : this.#client.isReady
        ? `${this.#where} failed: ${reason(error)}`
        : `${this.#where} cannot be reached; reconnecting`;
      this.#failed(message);
      throw new StoreUnavailableError(message);
    }
    const result = parseUpdateReply(reply);
    if (result === undefined) {
      const message =
        `${this.#where} failed: the data at ${this.#layout.state} is not a status record`;
      this.#failed(message);
      throw new StoreUnavailableError(message);
    }
    // The update is saved whatever happens next; the hub catches up here,
    // so that this process answers with what it just wrote.
    await this.#take(result.state);
    return result;
  }

  /** False from a lost connection or a failed command until Redis answers again and the state is re-read. */
  healthy(): boolean {
    return !this.#closed && this.#fault === undefined &&
      this.#client.isReady && this.#subscriber.isReady;
  }

  /** Stops following, lets commands under way finish, and closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    await this.#recovery;
    await this.#reads;
    await Promise.all([this.#client, this.#subscriber].map(async (c) => {
      if (c.isReady) await c.close().catch(() => c.destroy());
      else c.destroy();
    }));
  }

  #onMessage(message: string): void {
    const state = parseAnnouncement(message);
    if (state === undefined) {
      console.error(
        `redis store: ignored a message on ${this.#layout.channel} that is not a state`,
      );
      return;
    }
    void this.#take(state);
  }

  /** Takes in a state that arrived: applied at once when it is the next one, else read. */
  async #take(state: TaskState): Promise<void> {
    const step = intake(this.hub, state, this.#retired);
    if (step.kind === "next") this.#apply(state, step.history);
    if (step.kind !== "read") return;
    try {
      await this.#read();
    } catch (error) {
      this.#failed(`${this.#where} failed: ${reason(error)}`);
    }
  }

  #apply(state: TaskState, history: readonly Change[]): void {
    if (this.#retired.has(state.epoch)) return;
    const held = this.hub.state.epoch;
    if (state.epoch !== held) this.#retired.add(held);
    this.hub.apply(state, history);
  }

  /**
   * Reads the state and history and applies them. Callers share a read that
   * has not started yet; one that started earlier may miss what they saw.
   */
  #read(): Promise<void> {
    if (this.#queuedRead !== undefined) return this.#queuedRead;
    const read = this.#reads.then(async () => {
      this.#queuedRead = undefined;
      if (this.#closed) return;
      const snapshot = parseSnapshot(
        await this.#client.statusRead(
          this.#layout,
          startArgs(this.#layout, this.#now),
        ),
      );
      if (snapshot === undefined) {
        throw new Error(
          `the data at ${this.#layout.state} is not a status record`,
        );
      }
      this.#apply(snapshot.state, snapshot.history);
    });
    this.#queuedRead = read;
    this.#reads = read.catch(() => {});
    return read;
  }

  #failed(message: string): void {
    if (this.#closed) return;
    this.#failures++;
    if (this.#fault === undefined) console.error(`redis store: ${message}`);
    this.#fault = message;
    if (!this.#recovering) {
      this.#recovering = true;
      this.#recovery = this.#recover();
    }
  }

  /**
   * Waits until both connections are back (the subscriber subscribed again),
   * then re-reads the state, which wakes every poll that is behind; probes
   * again after a pause while that fails.
   */
  async #recover(): Promise<void> {
    const signal = this.#stop.signal;
    try {
      while (!signal.aborted) {
        if (this.#client.isReady && this.#subscriber.isReady) {
          const failures = this.#failures;
          try {
            await this.#read();
            if (failures === this.#failures) {
              this.#fault = undefined;
              console.error("redis store: working again");
              return;
            }
            continue;
          } catch {
            // Still failing: wait and try again.
          }
        }
        await this.#pause();
      }
    } finally {
      // In the same step as the return: a failure from now on starts a new recovery.
      this.#recovering = false;
    }
  }

  /** Waits `retryMs`, or less when a connection comes back or the store closes. */
  #pause(): Promise<void> {
    const signal = this.#stop.signal;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#nudge = () => {};
        resolve();
      };
      const timer = setTimeout(done, this.#retryMs);
      signal.addEventListener("abort", done, { once: true });
      this.#nudge = done;
    });
  }
}

/** The arguments every script starts with: what a new sequence would be. */
function startArgs(layout: RedisLayout, now: () => Date): string[] {
  return [newEpoch(), now().toISOString(), INITIAL_STATUS, layout.channel];
}

/**
 * Opens the status store on the Redis server at `url` (REDIS_URL). Throws
 * {@link StoreOpenError} with one line naming REDIS_URL when it cannot be
 * reached within the connect timeout or holds something else.
 */
export function openRedisStore(
  url: string,
  options: RedisStoreOptions = {},
): Promise<RedisStore> {
  return RedisStore.open(url, options);
}
