/** Checks on what other tabs of the board send over the shared poll's channel. */
import type { TaskState } from "../domain/task_state.ts";
import type { BoardEvent, BoardStates } from "./board_state.ts";
import type { Connection } from "./connection.ts";
import { isConnection, isLiveEvent, isObject, isTask } from "./peer_data.ts";
import type { PeerParsers } from "./shared_poll.ts";

/** What the leader of a board tells a new tab. */
export interface BoardSync {
  states: BoardStates;
  connection: Connection;
}

function isStates(value: unknown): value is Record<string, TaskState> {
  return isObject(value) && !Array.isArray(value) &&
    Object.values(value).every(isTask);
}

function isBoardEvent(value: unknown): value is BoardEvent {
  if (!isObject(value)) return false;
  if (value.type === "tasks") return isStates(value.states);
  return (value.type === "connected" || value.type === "reconnecting") &&
    isLiveEvent(value);
}

/** The checks of a board's messages. */
export const BOARD_PEER_PARSERS: PeerParsers<BoardEvent, BoardSync> = {
  event: (value) => isBoardEvent(value) ? value : undefined,
  sync: (value) =>
    isObject(value) && isStates(value.states) && isConnection(value.connection)
      ? { states: value.states, connection: value.connection }
      : undefined,
};
