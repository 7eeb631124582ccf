/**
 * A task page's live state and its one reducer: what the long poll reports
 * (from this tab's poll or another tab's) and the browser going on or off
 * line, turned into the shown status, its history, the connection and the
 * connection journal.
 */
import type { ChangeEvent, WatchEvent } from "../client/events.ts";
import type { Change, TaskState } from "../domain/task_state.ts";
import type { Status } from "../domain/statuses.ts";
import { DEFAULT_SOURCE } from "../domain/change_source.ts";
import {
  type Connection,
  describeFailure,
  isUnreachable,
} from "./connection.ts";
import { mergeChanges } from "./history.ts";

/**
 * A poll event in a form that crosses a BroadcastChannel: plain data, the
 * error in words, the retry time absolute so that every tab counts down to
 * the same moment.
 */
export type LiveEvent =
  | { type: "snapshot"; state: TaskState }
  | { type: "change"; change: Change; state: TaskState }
  | { type: "reset"; state: TaskState }
  | { type: "connected" }
  | {
    type: "reconnecting";
    attempt: number;
    failedAt: number;
    retryAt: number;
    reason: string;
    unreachable: boolean;
  };

/** Everything that changes the page. `at` is the time of the action (ms since the epoch). */
export type LiveAction =
  | { type: "event"; event: LiveEvent; at: number }
  /** Another tab's poll is running: take what it knows, without a journal line. */
  | {
    type: "adopt";
    task: TaskState;
    history: readonly Change[];
    connection: Connection;
  }
  | { type: "network"; online: boolean; at: number };

/** A connection event, for the journal (apart from the task's changes). */
export type JournalFact =
  | { kind: "lost"; reason: string }
  | { kind: "restored" }
  | { kind: "offline" }
  | { kind: "online" }
  | { kind: "reset"; status: Status };

/** One line of the connection journal. */
export type JournalEntry = JournalFact & { id: number; at: number };

/** How a connection event reads. */
export function journalText(fact: JournalFact): string {
  switch (fact.kind) {
    case "lost":
      return `Connexion perdue : ${fact.reason}`;
    case "restored":
      return "Connexion rétablie";
    case "offline":
      return "Navigateur hors ligne";
    case "online":
      return "Navigateur de nouveau en ligne";
    case "reset":
      return `Le serveur a repris à zéro : statut « ${fact.status} »`;
  }
}

/** Journal lines kept; older ones fall off. */
export const JOURNAL_CAP = 20;

/** What the page shows. */
export interface LiveState {
  task: TaskState;
  /** The changes of this epoch the page knows, oldest first (see history.ts). */
  history: readonly Change[];
  connection: Connection;
  /** The browser's own idea of being online. */
  online: boolean;
  /**
   * Since when the page has been cut off from the server (failing polls or
   * no network), in ms since the epoch; undefined while it is in touch. The
   * status shown is then only the last one known.
   */
  cutSince?: number;
  /** Connection events, newest first. */
  journal: readonly JournalEntry[];
  nextId: number;
}

/** The state of a page just rendered with `task` and its kept `history`. */
export function initialLiveState(
  task: TaskState,
  history: readonly Change[] = [],
): LiveState {
  return {
    task,
    history,
    connection: { kind: "connecting" },
    online: true,
    journal: [],
    nextId: 1,
  };
}

/** The change a client `change` event stands for (with its source, when the client passes it on). */
function changeOf(event: ChangeEvent): Change {
  const change: Change = {
    version: event.version,
    status: event.to,
    at: event.at,
    source: event.source ?? DEFAULT_SOURCE,
  };
  if (event.actor !== undefined) change.actor = event.actor;
  return change;
}

/**
 * Turns what the client's `watch` yields into a {@link LiveEvent}; undefined
 * for what the page need not hear (a `truncated`: the history shows the hole).
 */
export function toLiveEvent(
  event: WatchEvent,
  now: number,
): LiveEvent | undefined {
  switch (event.type) {
    case "snapshot":
      return { type: "snapshot", state: event.state };
    case "change":
      return { type: "change", change: changeOf(event), state: event.state };
    case "truncated":
      return undefined;
    case "reset":
      return { type: "reset", state: event.state };
    case "connected":
      return { type: "connected" };
    case "reconnecting":
      return {
        type: "reconnecting",
        attempt: event.attempt,
        failedAt: now,
        retryAt: now + event.delayMs,
        reason: describeFailure(event.error),
        unreachable: isUnreachable(event.error),
      };
  }
}

function note(state: LiveState, fact: JournalFact, at: number): LiveState {
  const entry = { ...fact, id: state.nextId, at } as JournalEntry;
  return {
    ...state,
    journal: [entry, ...state.journal.slice(0, JOURNAL_CAP - 1)],
    nextId: state.nextId + 1,
  };
}

/** Starts over on `next`, a state of another epoch: the history so far is void. */
function restart(state: LiveState, next: TaskState, at: number): LiveState {
  return note(
    { ...state, task: next, history: [] },
    { kind: "reset", status: next.status },
    at,
  );
}

/** Takes `next` if it is newer than the shown state (an older one is an echo already shown). */
function advance(state: LiveState, next: TaskState): LiveState {
  return next.version > state.task.version ? { ...state, task: next } : state;
}

function onEvent(state: LiveState, event: LiveEvent, at: number): LiveState {
  switch (event.type) {
    case "snapshot":
      if (event.state.epoch !== state.task.epoch) {
        return restart(state, event.state, at);
      }
      return advance(state, event.state);
    case "change": {
      if (event.state.epoch !== state.task.epoch) {
        return { ...restart(state, event.state, at), history: [event.change] };
      }
      const history = mergeChanges(state.history, [event.change]);
      const next = advance(state, event.state);
      return history === state.history ? next : { ...next, history };
    }
    case "reset":
      return restart(state, event.state, at);
    case "connected": {
      if (state.connection.kind === "live" && state.cutSince === undefined) {
        return state;
      }
      const was = state.connection.kind;
      const next: LiveState = {
        ...state,
        connection: { kind: "live" },
        cutSince: state.online ? undefined : state.cutSince,
      };
      return was === "reconnecting"
        ? note(next, { kind: "restored" }, at)
        : next;
    }
    case "reconnecting": {
      const was = state.connection.kind;
      const next: LiveState = {
        ...state,
        connection: {
          kind: "reconnecting",
          attempt: event.attempt,
          failedAt: event.failedAt,
          retryAt: event.retryAt,
          reason: event.reason,
          unreachable: event.unreachable,
        },
        cutSince: state.cutSince ?? event.failedAt,
      };
      return was === "reconnecting"
        ? next
        : note(next, { kind: "lost", reason: event.reason }, at);
    }
  }
}

/** The one reducer of a task page. */
export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case "event":
      return onEvent(state, action.event, action.at);
    case "adopt": {
      const { task, connection } = action;
      const base: LiveState = task.epoch === state.task.epoch
        ? {
          ...advance(state, task),
          history: mergeChanges(state.history, action.history),
        }
        : { ...state, task, history: action.history };
      return {
        ...base,
        connection,
        cutSince: connection.kind === "reconnecting"
          ? base.cutSince ?? connection.failedAt
          : base.online
          ? undefined
          : base.cutSince,
      };
    }
    case "network": {
      if (action.online === state.online) return state;
      const next: LiveState = {
        ...state,
        online: action.online,
        cutSince: action.online
          ? (state.connection.kind === "reconnecting"
            ? state.cutSince
            : undefined)
          : state.cutSince ?? action.at,
      };
      return note(
        next,
        { kind: action.online ? "online" : "offline" },
        action.at,
      );
    }
  }
}
