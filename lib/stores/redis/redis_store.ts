import { type CommandParser, createClient, defineScript } from "@redis/client";
import { HISTORY_LIMIT } from "../../domain/history.ts";
import { newEpoch, type StoredStatus } from "../../domain/stored_record.ts";
import type { UpdateRequest, UpdateResult } from "../../domain/update_rule.ts";
import {
  describeRedisUrl,
  intake,
  parseAnnouncedChange,
  parseAnnouncement,
  parseLateReply,
  parseSnapshot,
  parseUpdateReply,
} from "./redis_record.ts";
import {
  DEFAULT_DELETE_SCRIPT,
  DEFAULT_IDENTITY_SCRIPT,
  PROBE_SCRIPT,
  READ_SCRIPT,
  type RedisLayout,
  redisLayout,
  UPDATE_SCRIPT,
} from "./redis_scripts.ts";
import {
  TASK_DELETE_SCRIPT,
  TASK_IDENTITY_SCRIPT,
  TASK_LIST_SCRIPT,
  TASK_READ_SCRIPT,
  TASK_UPDATE_SCRIPT,
  taskKeys,
  type TaskLayout,
  taskLayout,
} from "./redis_task_scripts.ts";
import {
  parseTaskList,
  parseTaskMessage,
  parseTaskRead,
  parseTaskUpdate,
} from "./redis_task_record.ts";
import type { Change, TaskState } from "../../domain/task_state.ts";
import type { StateHub } from "../../live/state_hub.ts";
import { TaskHubs, type TaskSnapshot } from "../../live/task_hubs.ts";
import { INITIAL_STATUS } from "../../domain/statuses.ts";
import { appendChange } from "../../domain/history.ts";
import { unsetStatus } from "../../domain/stored_record.ts";
import { DEFAULT_TASK } from "../../domain/task_id.ts";
import {
  parseStoredIdentity,
  type StoredIdentity,
} from "../../domain/task_identity.ts";
import {
  type ListedTask,
  type ListQuery,
  mergePage,
  type TaskPage,
} from "../../domain/task_list.ts";
import { changeOf } from "../../domain/update_rule.ts";
import {
  DEFAULT_MAX_TASKS,
  type StatusStore,
  type StoreHealthReport,
  StoreOpenError,
  StoreUnavailableError,
  TaskLimitError,
  type TaskRead,
} from "../status_store.ts";
import { describeFault, StoreHealth } from "../store_health.ts";
import {
  DeadlineError,
  DEFAULT_STORE_TIMEOUT_MS,
  within,
} from "../store_deadline.ts";

/** Options for {@link openRedisStore}. */
export interface RedisStoreOptions {
  now?: () => Date;
  /** Keys and channel start with this (default `status:`). */
  prefix?: string;
  /** How long opening may try to reach Redis before it fails (default 2500 ms). */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts and between health probes (default 1000 ms). */
  retryMs?: number;
  /** A command not answered within this answers "unavailable" (default {@link DEFAULT_STORE_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Where failures and recoveries are told (default `console.error`). */
  log?: (line: string) => void;
  /** Named tasks stored at most (MAX_TASKS, default {@link DEFAULT_MAX_TASKS}). */
  maxTasks?: number;
}

/**
 * How much earlier than its caller gives up Redis refuses an update: room
 * for the reply's way back and for Redis' clock running behind this
 * server's (see {@link scriptDeadline}).
 */
export function lateMarginMs(timeoutMs: number): number {
  return Math.min(1_000, Math.floor(timeoutMs / 2));
}

/**
 * The deadline handed to the update script for an update sent at `sentAt`
 * (ms since 1970): the caller gives up at `sentAt + timeoutMs`, Redis
 * refuses to start it {@link lateMarginMs} before that. An update answered
 * 503 is then never applied, as long as the reply's way back plus the
 * amount by which Redis' clock is behind this server's stays under the
 * margin.
 */
export function scriptDeadline(sentAt: number, timeoutMs: number): number {
  return sentAt + timeoutMs - lateMarginMs(timeoutMs);
}

/** A script run with the status's keys (the first `keys` of state, history, probe) and its arguments. */
function script(source: string, keys: number) {
  return defineScript({
    SCRIPT: source,
    NUMBER_OF_KEYS: keys,
    parseCommand(parser: CommandParser, layout: RedisLayout, args: string[]) {
      parser.pushKeys(
        [layout.state, layout.history, layout.probe].slice(0, keys),
      );
      parser.push(...args);
    },
    // Replies are narrowed by redis_record.ts, not trusted as typed.
    transformReply: (reply: unknown): unknown => reply,
  });
}

/** A named-task script run with the keys it is given (`keys` of them) and its arguments. */
function taskScript(source: string, keys: number) {
  return defineScript({
    SCRIPT: source,
    NUMBER_OF_KEYS: keys,
    parseCommand(parser: CommandParser, keyList: string[], args: string[]) {
      parser.pushKeys(keyList);
      parser.push(...args);
    },
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
      statusRead: script(READ_SCRIPT, 2),
      statusProbe: script(PROBE_SCRIPT, 3),
      statusUpdate: script(UPDATE_SCRIPT, 2),
      statusIdentity: script(DEFAULT_IDENTITY_SCRIPT, 2),
      statusDelete: script(DEFAULT_DELETE_SCRIPT, 2),
      taskRead: taskScript(TASK_READ_SCRIPT, 3),
      taskUpdate: taskScript(TASK_UPDATE_SCRIPT, 4),
      taskIdentity: taskScript(TASK_IDENTITY_SCRIPT, 4),
      taskDelete: taskScript(TASK_DELETE_SCRIPT, 4),
      taskList: taskScript(TASK_LIST_SCRIPT, 1),
    },
    socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: reconnect },
  });
}

type Client = ReturnType<typeof newClient>;

/**
 * Keeps the status in Redis, shared by any number of processes on any
 * number of machines. Each update is one Lua script run on the server
 * (redis_scripts.ts) that decides, bumps the version, writes the state
 * and the history, and publishes the new state, so versions are never
 * skipped, repeated or reordered. Every process subscribes to the channel
 * once; its own replies and the messages wake its polls through the hub,
 * each version once. Whenever the subscription comes back, it re-reads the
 * state, so a change made meanwhile is not missed.
 *
 * An update not answered within `timeoutMs` answers "unavailable"; the
 * script carries a deadline and Redis refuses to run it later (a frozen
 * server that resumes), see {@link scriptDeadline}.
 */
export class RedisStore implements StatusStore {
  readonly kind = "redis";
  readonly hub: StateHub;
  readonly hubs: TaskHubs;
  #client: Client;
  #subscriber: Client;
  #layout: RedisLayout;
  #tasks: TaskLayout;
  #maxTasks: number;
  /** When this store opened: tasks never stored read as unset since then. */
  #since: Date;
  #where: string;
  #now: () => Date;
  #timeoutMs: number;
  #log: (line: string) => void;
  #health: StoreHealth;
  /** Epochs this process has moved on from: late news from them is ignored. */
  #retired = new Set<string>();
  /** A read that has not started yet, which new callers share. */
  #queuedRead: Promise<void> | undefined;
  #reads: Promise<void> = Promise.resolve();
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
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.#log = options.log ?? ((line) => console.error(line));
    this.#health = new StoreHealth({
      name: "redis store",
      probe: () => this.#probe(),
      timeoutMs: this.#timeoutMs,
      retryMs: options.retryMs ?? 1_000,
      log: this.#log,
    });
    this.#tasks = taskLayout(options.prefix ?? "status:");
    this.#maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
    this.#since = this.#now();
    this.hubs = new TaskHubs((id) => this.#loadTask(id));
    this.hub = this.hubs.newHub(snapshot);
    this.hubs.pin(DEFAULT_TASK, this.hub);
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
    const pending: [string, string][] = [];
    const tasks = taskLayout(options.prefix ?? "status:");
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
      throw new StoreOpenError(
        `${where} cannot be used: ${describeFault(error)}`,
      );
    }
    const subscriber = client.duplicate();
    let lastError: unknown;
    for (const c of [client, subscriber]) {
      c.on("error", (error: unknown) => {
        const store = opened.store;
        if (store === undefined) lastError = error;
        else store.#health.failed(`${where} failed: ${describeFault(error)}`);
      });
      c.on("ready", () => {
        if (opened.store !== undefined) opened.store.#reconnected(c);
      });
    }
    const giveUp = () => {
      client.destroy();
      subscriber.destroy();
    };

    try {
      await within(
        (async () => {
          await client.connect();
          await subscriber.connect();
          // One subscription for every task: the default's channel as it
          // always was, and one channel for all the named tasks.
          await subscriber.subscribe(
            [layout.channel, tasks.channel],
            (message: string, channel: string) => {
              const store = opened.store;
              if (store === undefined) pending.push([channel, message]);
              else store.#onChannel(channel, message);
            },
          );
        })(),
        connectTimeoutMs,
        `no answer within ${connectTimeoutMs} ms`,
      );
    } catch (error) {
      giveUp();
      const cause = lastError ?? error;
      throw new StoreOpenError(
        `${where} cannot be reached: ${describeFault(cause)}`,
      );
    }

    let snapshot: StoredStatus | undefined;
    try {
      // Read only once subscribed: a change made in between is in the read.
      snapshot = parseSnapshot(
        await within(
          client.statusRead(layout, startArgs(layout, now)),
          connectTimeoutMs,
          `no answer within ${connectTimeoutMs} ms`,
        ),
      );
      if (snapshot !== undefined) {
        const identity = await within(
          client.hGet(layout.state, "identity"),
          connectTimeoutMs,
          `no answer within ${connectTimeoutMs} ms`,
        );
        if (typeof identity === "string") {
          snapshot.identity = parseIdentityText(identity);
        }
      }
    } catch (error) {
      giveUp();
      throw new StoreOpenError(
        `${where} cannot be used: ${describeFault(error)}`,
      );
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
    for (const [channel, message] of pending) {
      store.#onChannel(channel, message);
    }
    if (!client.isReady || !subscriber.isReady) {
      store.#health.failed(`${where} failed: ${describeFault(lastError)}`);
    }
    return store;
  }

  /**
   * Runs the update script: one atomic decision and write on the server.
   * Answers "unavailable" when Redis has not answered within `timeoutMs`;
   * the script, if Redis runs it later, then refuses to write.
   */
  update(taskId: string, request: UpdateRequest): Promise<UpdateResult> {
    return taskId === DEFAULT_TASK
      ? this.#updateDefault(request)
      : this.#updateTask(taskId, request);
  }

  async #updateDefault(request: UpdateRequest): Promise<UpdateResult> {
    if (this.#closed) throw new StoreUnavailableError("the store is closed");
    const mark = this.#health.begin();
    const deadline = scriptDeadline(Date.now(), this.#timeoutMs);
    const command = this.#client.statusUpdate(this.#layout, [
      ...startArgs(this.#layout, this.#now),
      request.status,
      request.expectedVersion === undefined
        ? ""
        : String(request.expectedVersion),
      String(HISTORY_LIMIT),
      String(deadline),
      request.source ?? "",
      request.actor ?? "",
    ]);
    let reply: unknown;
    try {
      reply = await within(
        command,
        this.#timeoutMs,
        `${this.#where} did not answer within ${this.#timeoutMs} ms`,
      );
    } catch (error) {
      if (error instanceof DeadlineError) {
        command.then((late) => this.#answeredLate(late), () => {});
      }
      const message = error instanceof DeadlineError
        ? error.message
        : this.#closed
        ? "the store is closed"
        : this.#client.isReady
        ? `${this.#where} failed: ${describeFault(error)}`
        : `${this.#where} cannot be reached; reconnecting`;
      this.#health.failed(message);
      throw new StoreUnavailableError(message);
    }
    const refusedAt = parseLateReply(reply);
    if (refusedAt !== undefined) {
      const message = `${this.#where} ran the update ${
        refusedAt - deadline
      } ms after its deadline (by Redis' clock): Redis is slow, or its clock is ahead of this server's`;
      this.#health.failed(message);
      throw new StoreUnavailableError(message);
    }
    const result = parseUpdateReply(reply);
    if (result === undefined) {
      const message =
        `${this.#where} failed: the data at ${this.#layout.state} is not a status record`;
      this.#health.failed(message);
      throw new StoreUnavailableError(message);
    }
    if (result.kind === "changed") this.#health.succeeded(mark);
    // The update is saved whatever happens next; the hub catches up here,
    // so that this process answers with what it just wrote.
    await this.#take(
      result.state,
      result.kind === "changed"
        ? changeOf(result.state.version, request, result.state.updatedAt)
        : undefined,
    );
    return result;
  }

  /** See {@link StatusStore.read}: from Redis, not from a hub. */
  async read(taskId: string): Promise<TaskRead> {
    if (taskId === DEFAULT_TASK) {
      await this.#bounded(this.#read(), "a read");
      return {
        record: {
          state: this.hub.state,
          history: [...this.hub.history],
          ...(this.hub.identity ? { identity: this.hub.identity } : {}),
        },
        stored: true,
      };
    }
    const snapshot = await this.#loadTask(taskId);
    return { record: snapshot.record, stored: snapshot.stored };
  }

  /** See {@link StatusStore.setIdentity}. */
  async setIdentity(
    taskId: string,
    identity: StoredIdentity,
  ): Promise<TaskRead> {
    const text = JSON.stringify(identity);
    if (taskId === DEFAULT_TASK) {
      await this.#write(
        this.#client.statusIdentity(this.#layout, [
          ...startArgs(this.#layout, this.#now),
          text,
          this.#tasks.channel,
        ]),
      );
      return await this.read(taskId);
    }
    const reply = await this.#write(
      this.#client.taskIdentity(this.#taskKeys(taskId), [
        newEpoch(),
        this.#now().toISOString(),
        text,
        String(this.#maxTasks),
        this.#tasks.channel,
        taskId,
        INITIAL_STATUS,
      ]),
    );
    if (Array.isArray(reply) && reply[0] === "full") {
      throw new TaskLimitError(this.#maxTasks);
    }
    return await this.read(taskId);
  }

  /** See {@link StatusStore.delete}: the `default` task starts over under a new epoch. */
  async delete(taskId: string): Promise<boolean> {
    if (taskId === DEFAULT_TASK) {
      await this.#write(
        this.#client.statusDelete(
          this.#layout,
          startArgs(this.#layout, this.#now),
        ),
      );
      await this.#bounded(this.#read(), "a read");
      return true;
    }
    const reply = await this.#write(
      this.#client.taskDelete(this.#taskKeys(taskId), [
        this.#tasks.channel,
        taskId,
      ]),
    );
    if (!Array.isArray(reply) || reply[0] !== "deleted") return false;
    if (typeof reply[1] === "string") {
      this.hubs.offer(taskId, {
        record: unsetStatus(this.#since),
        mark: reply[1],
      });
    }
    return true;
  }

  /** See {@link StatusStore.list}: the index of named tasks, with `default` in its place. */
  async list(query: ListQuery): Promise<TaskPage<ListedTask>> {
    const reply = await this.#command(
      this.#client.taskList([this.#tasks.index], [
        this.#tasks.prefix,
        query.after ?? "",
        String(query.limit + 1),
      ]),
    );
    const listed = parseTaskList(reply);
    if (listed === undefined) {
      throw this.#broken(`the data at ${this.#tasks.index}`);
    }
    const { state, identity } = this.hub;
    return mergePage(
      listed,
      identity === undefined
        ? { id: DEFAULT_TASK, state }
        : { id: DEFAULT_TASK, state, identity },
      query,
    );
  }

  /** An update of a named task: one script run, with the deadline the default's has. */
  async #updateTask(
    taskId: string,
    request: UpdateRequest,
  ): Promise<UpdateResult> {
    const deadline = scriptDeadline(Date.now(), this.#timeoutMs);
    const reply = await this.#write(
      this.#client.taskUpdate(this.#taskKeys(taskId), [
        newEpoch(),
        this.#now().toISOString(),
        request.status,
        request.expectedVersion === undefined
          ? ""
          : String(request.expectedVersion),
        String(HISTORY_LIMIT),
        String(deadline),
        request.source ?? "api",
        request.actor ?? "",
        String(this.#maxTasks),
        this.#tasks.channel,
        taskId,
        this.#since.toISOString(),
        INITIAL_STATUS,
      ]),
      deadline,
    );
    const result = parseTaskUpdate(reply);
    if (result === undefined) {
      throw this.#broken(`the data of task ${taskId}`);
    }
    if (result.kind === "full") throw new TaskLimitError(this.#maxTasks);
    if (result.kind === "changed") {
      this.#takeTask(
        taskId,
        result.seq,
        result.prev,
        result.state,
        result.change,
      );
    }
    return { kind: result.kind, state: result.state };
  }

  /** Reads a named task (bounded by the deadline): the snapshot its hub loads from. */
  async #loadTask(
    taskId: string,
  ): Promise<TaskSnapshot & { stored: boolean }> {
    const reply = await this.#command(
      this.#client.taskRead(this.#taskKeys(taskId).slice(0, 3), []),
    );
    const read = parseTaskRead(reply);
    if (read === undefined) throw this.#broken(`the data of task ${taskId}`);
    return {
      record: read.record ?? unsetStatus(this.#since),
      mark: read.seq,
      stored: read.record !== undefined,
    };
  }

  /** Reads a named task some poll watches and offers it to its hub (failures are recorded). */
  #refresh(taskId: string): void {
    this.#loadTask(taskId).then(
      (snapshot) => this.hubs.offer(taskId, snapshot),
      () => {},
    );
  }

  #onTaskMessage(text: string): void {
    const message = parseTaskMessage(text);
    if (message === undefined) {
      this.#log(
        `redis store: ignored a message on ${this.#tasks.channel} that is not a task's`,
      );
      return;
    }
    if (!("seq" in message)) {
      // The default task's identity changed: read it with its state.
      this.#read().catch((error) =>
        this.#health.failed(`${this.#where} failed: ${describeFault(error)}`)
      );
      return;
    }
    if (!this.hubs.has(message.task)) return;
    if ("deleted" in message) {
      this.hubs.offer(message.task, {
        record: unsetStatus(this.#since),
        mark: message.seq,
      });
      return;
    }
    this.#takeTask(
      message.task,
      message.seq,
      message.prev,
      message.state,
      message.change,
    );
  }

  /**
   * A named task was written at `seq`: applied at once when it follows what
   * the hub holds (`prev` is the hub's mark) and the change came with it;
   * read when something was missed; ignored when not later than the hub's.
   */
  #takeTask(
    taskId: string,
    seq: string,
    prev: string,
    state: TaskState | undefined,
    change: Change | undefined,
  ): void {
    if (!this.hubs.has(taskId)) return;
    const held = this.hubs.peek(taskId);
    const mark = this.hubs.markOf(taskId);
    if (
      held !== undefined && mark === prev && state !== undefined &&
      change !== undefined && state.epoch === held.state.epoch
    ) {
      this.hubs.offer(taskId, {
        record: {
          state,
          history: appendChange(held.history, change),
          ...(held.identity ? { identity: held.identity } : {}),
        },
        mark: seq,
      });
      return;
    }
    if (mark !== undefined && !isLater(seq, mark)) return;
    this.#refresh(taskId);
  }

  /** The keys the named-task write scripts take: hash, history, counter, index. */
  #taskKeys(taskId: string): string[] {
    return [
      ...taskKeys(this.#tasks, taskId),
      this.#tasks.seq,
      this.#tasks.index,
    ];
  }

  /** A reply that is not what the script sends: the data is not ours. */
  #broken(what: string): StoreUnavailableError {
    const message = `${this.#where} failed: ${what} is not a status record`;
    this.#health.failed(message);
    return new StoreUnavailableError(message);
  }

  /** A command that reads: answered within the deadline, or "unavailable". */
  async #command(command: Promise<unknown>): Promise<unknown> {
    if (this.#closed) throw new StoreUnavailableError("the store is closed");
    try {
      return await within(
        command,
        this.#timeoutMs,
        `${this.#where} did not answer within ${this.#timeoutMs} ms`,
      );
    } catch (error) {
      command.catch(() => {});
      throw this.#unavailable(error);
    }
  }

  /**
   * A command that writes: as {@link #command}, and a success vouches for
   * the store's health. With `deadline`, a `late` reply (the script ran
   * past it and wrote nothing) is "unavailable" too.
   */
  async #write(
    command: Promise<unknown>,
    deadline?: number,
  ): Promise<unknown> {
    const mark = this.#health.begin();
    const reply = await this.#command(command);
    const refusedAt = parseLateReply(reply);
    if (deadline !== undefined && refusedAt !== undefined) {
      const message = `${this.#where} ran the update ${
        refusedAt - deadline
      } ms after its deadline (by Redis' clock): Redis is slow, or its clock is ahead of this server's`;
      this.#health.failed(message);
      throw new StoreUnavailableError(message);
    }
    this.#health.succeeded(mark);
    return reply;
  }

  /** Waits for `task` within the deadline (a read of the default task, say). */
  async #bounded(task: Promise<void>, what: string): Promise<void> {
    try {
      await within(
        task,
        this.#timeoutMs,
        `${this.#where} did not answer ${what} within ${this.#timeoutMs} ms`,
      );
    } catch (error) {
      throw this.#unavailable(error);
    }
  }

  #unavailable(error: unknown): StoreUnavailableError {
    if (error instanceof StoreUnavailableError) return error;
    const message = error instanceof DeadlineError
      ? error.message
      : this.#closed
      ? "the store is closed"
      : this.#client.isReady
      ? `${this.#where} failed: ${describeFault(error)}`
      : `${this.#where} cannot be reached; reconnecting`;
    this.#health.failed(message);
    return new StoreUnavailableError(message);
  }

  /** False from a lost connection or a failure until both connections are up and a write succeeded. */
  healthy(): boolean {
    return this.#health.healthy && this.#client.isReady &&
      this.#subscriber.isReady;
  }

  /** See {@link StatusStore.checkHealth}: the probe writes the layout's `probe` key and reads the state. */
  async checkHealth(): Promise<StoreHealthReport> {
    const known = this.#health.report();
    if (!known.ok) return known;
    if (!this.#client.isReady || !this.#subscriber.isReady) {
      return {
        ok: false,
        reason: `${this.#where} cannot be reached; reconnecting`,
      };
    }
    return await this.#health.check();
  }

  /** Stops following, closes both connections (letting commands under way finish, for a while), then returns. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const probing = this.#health.close();
    await Promise.all([this.#client, this.#subscriber].map(async (c) => {
      if (!c.isReady) return c.destroy();
      // A frozen server would never answer: give up on it after the deadline.
      const closing = c.close();
      try {
        await within(closing, this.#timeoutMs, "no answer to QUIT");
      } catch {
        closing.catch(() => {});
        c.destroy();
      }
    }));
    await probing;
    await this.#reads;
  }

  /** A connection is back: probe at once, and re-read what the subscription may have missed. */
  #reconnected(client: Client): void {
    this.#health.nudge();
    if (client === this.#subscriber) {
      this.#read().catch((error) =>
        this.#health.failed(`${this.#where} failed: ${describeFault(error)}`)
      );
      // Messages sent while the subscription was down are lost: read what polls watch.
      for (const id of this.hubs.ids()) {
        if (id !== DEFAULT_TASK) this.#refresh(id);
      }
    }
  }

  /**
   * The reply to an update whose caller was answered 503: the script
   * refused it, unless it ran within its deadline and the reply came back
   * too late, which breaks what 503 promises: say so loudly.
   */
  #answeredLate(reply: unknown): void {
    const result = parseUpdateReply(reply);
    if (result === undefined || result.kind !== "changed") return;
    this.#log(
      `redis store: an update answered 503 was stored after all (version ${result.state.version}): ` +
        `its reply took longer than ${
          lateMarginMs(this.#timeoutMs)
        } ms to come back, ` +
        `or Redis' clock is behind this server's by that much`,
    );
    void this.#take(result.state);
  }

  /** Proves that Redis takes writes: the probe script writes, then reads the state, which is taken in. */
  async #probe(): Promise<void> {
    if (!this.#client.isReady || !this.#subscriber.isReady) {
      throw new Error(`${this.#where} cannot be reached; reconnecting`);
    }
    let reply: unknown;
    try {
      reply = await this.#client.statusProbe(
        this.#layout,
        startArgs(this.#layout, this.#now),
      );
    } catch (error) {
      throw new Error(`${this.#where} failed: ${describeFault(error)}`);
    }
    const snapshot = parseSnapshot(reply);
    if (snapshot === undefined) {
      throw new Error(
        `${this.#where} failed: the data at ${this.#layout.state} is not a status record`,
      );
    }
    this.#apply(snapshot.state, snapshot.history);
  }

  #onChannel(channel: string, message: string): void {
    if (channel === this.#tasks.channel) this.#onTaskMessage(message);
    else this.#onMessage(message);
  }

  #onMessage(message: string): void {
    const state = parseAnnouncement(message);
    if (state === undefined) {
      this.#log(
        `redis store: ignored a message on ${this.#layout.channel} that is not a state`,
      );
      return;
    }
    void this.#take(state, parseAnnouncedChange(message));
  }

  /** Takes in a state that arrived: applied at once when it is the next one, else read. */
  async #take(state: TaskState, change?: Change): Promise<void> {
    const step = intake(this.hub, state, this.#retired, change);
    if (step.kind === "next") this.#apply(state, step.history);
    if (step.kind !== "read") return;
    try {
      await this.#read();
    } catch (error) {
      this.#health.failed(`${this.#where} failed: ${describeFault(error)}`);
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
      const identity = await this.#client.hGet(this.#layout.state, "identity");
      this.hub.identity = typeof identity === "string"
        ? parseIdentityText(identity)
        : undefined;
      this.#apply(snapshot.state, snapshot.history);
    });
    this.#queuedRead = read;
    this.#reads = read.catch(() => {});
    return read;
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

/** True when seq `a` comes after seq `b` (decimal text). */
function isLater(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** An identity stored as JSON text, or undefined when it is not one. */
function parseIdentityText(text: string): StoredIdentity | undefined {
  try {
    return parseStoredIdentity(JSON.parse(text));
  } catch {
    return undefined;
  }
}
