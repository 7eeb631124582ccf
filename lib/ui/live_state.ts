/**
 * The page's state and its one reducer: what the long poll reports (from
 * this tab's poll or another tab's), the browser going on or off line, and
 * the admin's actions, all turned into the shown status, the indicator and
 * the activity log.
 */
import type { WatchEvent } from "../client/mod.ts";
import type { TaskState } from "../domain/task_state.ts";
import type { Status } from "../domain/statuses.ts";
import { type LogEntry, type LogFact, prepend } from "./activity_log.ts";
import { type Connection, describeFailure } from "./connection.ts";

/**
 * A poll event in a form that crosses a BroadcastChannel: plain data, the
 * error in words, the retry time absolute so that every tab counts down to
 * the same moment.
 */
export type LiveEvent =
  | { type: "snapshot"; state: TaskState }
  | { type: "change"; from: Status; state: TaskState }
  | { type: "truncated"; missed: number }
  | { type: "reset"; state: TaskState }
  | { type: "connected" }
  | { type: "reconnecting"; attempt: number; retryAt: number; reason: string };

/** Everything that changes the page. `at` is the time of the action (ms since the epoch). */
export type LiveAction =
  | { type: "event"; event: LiveEvent; at: number }
  /** Another tab's poll is already connected: take its connection as is, without a log line. */
  | { type: "connection"; connection: Connection }
  | { type: "network"; online: boolean; at: number }
  | {
    type: "admin";
    status: Status;
    ok: boolean;
    message: string;
    version?: number;
    at: number;
  }
  | { type: "clear" };

/** What the page shows. */
export interface LiveState {
  task: TaskState;
  connection: Connection;
  /** The browser's own idea of being online. */
  online: boolean;
  /** Newest first. */
  log: readonly LogEntry[];
  nextId: number;
}

/** The state of a page just rendered with `task`. */
export function initialLiveState(task: TaskState, online = true): LiveState {
  return {
    task,
    connection: { kind: "connecting" },
    online,
    log: [],
    nextId: 1,
  };
}

/** Turns what the client's `watch` yields into a {@link LiveEvent}. */
export function toLiveEvent(event: WatchEvent, now: number): LiveEvent {
  switch (event.type) {
    case "snapshot":
      return { type: "snapshot", state: event.state };
    case "change":
      return { type: "change", from: event.from, state: event.state };
    case "truncated":
      return { type: "truncated", missed: event.missed };
    case "reset":
      return { type: "reset", state: event.state };
    case "connected":
      return { type: "connected" };
    case "reconnecting":
      return {
        type: "reconnecting",
        attempt: event.attempt,
        retryAt: now + event.delayMs,
        reason: describeFailure(event.error),
      };
  }
}

function log(state: LiveState, fact: LogFact, at: number): LiveState {
  return {
    ...state,
    log: prepend(state.log, { ...fact, id: state.nextId, at } as LogEntry),
    nextId: state.nextId + 1,
  };
}

/** Takes `next` as the shown state if it is news, logging how it differs. */
function adopt(state: LiveState, next: TaskState, at: number): LiveState {
  const known = state.task;
  if (next.epoch !== known.epoch) {
    return log(
      { ...state, task: next },
      { kind: "reset", status: next.status, version: next.version },
      at,
    );
  }
  // Same sequence: an older or equal version is news already shown (another
  // tab's late echo, a snapshot of what was rendered).
  if (next.version <= known.version) return state;
  return log(
    { ...state, task: next },
    {
      kind: "change",
      from: known.status,
      to: next.status,
      version: next.version,
    },
    Date.parse(next.updatedAt) || at,
  );
}

function onEvent(state: LiveState, event: LiveEvent, at: number): LiveState {
  switch (event.type) {
    case "snapshot":
      return adopt(state, event.state, at);
    case "change": {
      const next = event.state;
      if (next.epoch !== state.task.epoch) return adopt(state, next, at);
      if (next.version <= state.task.version) return state;
      return log(
        { ...state, task: next },
        {
          kind: "change",
          // The status just before this version; when an earlier one was
          // never shown here (a hole), the shown one is what the reader saw.
          from: next.version === state.task.version + 1
            ? event.from
            : state.task.status,
          to: next.status,
          version: next.version,
        },
        Date.parse(next.updatedAt) || at,
      );
    }
    case "truncated":
      return log(state, { kind: "truncated", missed: event.missed }, at);
    case "reset":
      return log(
        { ...state, task: event.state },
        {
          kind: "reset",
          status: event.state.status,
          version: event.state.version,
        },
        at,
      );
    case "connected": {
      const was = state.connection.kind;
      const next: LiveState = { ...state, connection: { kind: "live" } };
      return was === "reconnecting"
        ? log(next, { kind: "restored" }, at)
        : next;
    }
    case "reconnecting": {
      const was = state.connection.kind;
      const next: LiveState = {
        ...state,
        connection: {
          kind: "reconnecting",
          attempt: event.attempt,
          retryAt: event.retryAt,
          reason: event.reason,
        },
      };
      return was === "reconnecting"
        ? next
        : log(next, { kind: "lost", reason: event.reason }, at);
    }
  }
}

/** The one reducer of the page. */
export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case "event":
      return onEvent(state, action.event, action.at);
    case "connection":
      return { ...state, connection: action.connection };
    case "network":
      if (action.online === state.online) return state;
      return log(
        { ...state, online: action.online },
        { kind: action.online ? "online" : "offline" },
        action.at,
      );
    case "admin":
      return action.ok
        ? log(state, {
          kind: "admin",
          status: action.status,
          message: action.message,
          version: action.version ?? state.task.version,
        }, action.at)
        : log(state, {
          kind: "admin-error",
          status: action.status,
          message: action.message,
        }, action.at);
    case "clear":
      return { ...state, log: [] };
  }
}
