/**
 * The board's state (`/tasks`): the latest state of every task on it, the
 * connection of its one multi-task poll, and whether it is cut off.
 */
import { type Status, STATUSES } from "../domain/statuses.ts";
import type { TaskState } from "../domain/task_state.ts";
import type { Connection } from "./connection.ts";
import type { LiveEvent } from "./live_state.ts";

/** The latest state of each task on the board, by id. */
export type BoardStates = Readonly<Record<string, TaskState>>;

/** An event of the board's poll, as it crosses a BroadcastChannel. */
export type BoardEvent =
  /** Tasks that changed (or must start over), with their state now. */
  | { type: "tasks"; states: Record<string, TaskState> }
  | Extract<LiveEvent, { type: "connected" | "reconnecting" }>;

/** Everything that changes the board. */
export type BoardAction =
  | { type: "event"; event: BoardEvent }
  /** What another tab's poll knows. */
  | { type: "adopt"; states: BoardStates; connection: Connection }
  | { type: "network"; online: boolean; at: number };

/** What the board shows. */
export interface BoardState {
  states: BoardStates;
  connection: Connection;
  online: boolean;
  /** Since when the board has been cut off (see live_state.ts); undefined while in touch. */
  cutSince?: number;
}

/** A board just rendered with `states`. */
export function initialBoardState(states: BoardStates): BoardState {
  return { states, connection: { kind: "connecting" }, online: true };
}

/** `next` unless it is older than `known` in the same epoch (a late echo). */
function newer(known: TaskState | undefined, next: TaskState): boolean {
  return known === undefined || known.epoch !== next.epoch ||
    next.version > known.version;
}

/** The states of `states` with the news of `news` taken in; the same object when nothing is new. */
export function mergeStates(
  states: BoardStates,
  news: Readonly<Record<string, TaskState>>,
): BoardStates {
  let merged: Record<string, TaskState> | undefined;
  for (const [id, state] of Object.entries(news)) {
    if (!(id in states) || !newer(states[id], state)) continue;
    merged ??= { ...states };
    merged[id] = state;
  }
  return merged ?? states;
}

/** The board's one reducer. */
export function boardReducer(
  state: BoardState,
  action: BoardAction,
): BoardState {
  switch (action.type) {
    case "event": {
      const { event } = action;
      switch (event.type) {
        case "tasks": {
          const states = mergeStates(state.states, event.states);
          return states === state.states ? state : { ...state, states };
        }
        case "connected":
          return {
            ...state,
            connection: { kind: "live" },
            cutSince: state.online ? undefined : state.cutSince,
          };
        case "reconnecting": {
          const { type: _, ...rest } = event;
          return {
            ...state,
            connection: { kind: "reconnecting", ...rest },
            cutSince: state.cutSince ?? event.failedAt,
          };
        }
      }
      return state;
    }
    case "adopt":
      return {
        ...state,
        states: mergeStates(state.states, action.states),
        connection: action.connection,
        cutSince: action.connection.kind === "reconnecting"
          ? state.cutSince ?? action.connection.failedAt
          : state.online
          ? undefined
          : state.cutSince,
      };
    case "network":
      if (action.online === state.online) return state;
      return {
        ...state,
        online: action.online,
        cutSince: action.online
          ? (state.connection.kind === "reconnecting"
            ? state.cutSince
            : undefined)
          : state.cutSince ?? action.at,
      };
  }
}

/** How many tasks are in each status, in the statuses' order, leaving out those with none. */
export function countByStatus(
  states: BoardStates,
): { status: Status; count: number }[] {
  const counts = new Map<Status, number>();
  for (const { status } of Object.values(states)) {
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return STATUSES.filter((status) => counts.has(status)).map((status) => ({
    status,
    count: counts.get(status)!,
  }));
}
