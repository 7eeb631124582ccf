/** The pure core of the watcher: a poll answer plus what we knew gives the events to emit. */
import type { Change, PollAnswer, TaskState } from "../domain/task_state.ts";
import type { ResetReason, StateEvent } from "./events.ts";

/** The outcome of {@link reducePoll}. */
export interface PollReduction {
  /** What the client knows now (send its version and epoch with the next poll). */
  state: TaskState;
  /** Events to emit, in order. */
  events: StateEvent[];
  /**
   * True when the answer moved the client forward (first state or new
   * versions): only then may the next poll start at once without pacing.
   */
  progress: boolean;
}

function stateOf(answer: TaskState): TaskState {
  const { status, version, epoch, updatedAt } = answer;
  return { status, version, epoch, updatedAt };
}

function resetReason(
  known: TaskState,
  answer: PollAnswer,
): ResetReason | undefined {
  if (answer.epoch !== known.epoch) return "epoch";
  if (answer.version < known.version) return "version";
  if (answer.reset) return "server";
  return undefined;
}

/**
 * Turns a poll answer into events given the state known before (`undefined`
 * at first). Each version above the known one is emitted once, oldest
 * first, from `changes`; holes (the server kept too few changes) are
 * reported as `truncated`; a new epoch or a version going back is a `reset`
 * followed by a `snapshot`.
 */
export function reducePoll(
  known: TaskState | undefined,
  answer: PollAnswer,
): PollReduction {
  const state = stateOf(answer);
  if (known === undefined) {
    return { state, events: [{ type: "snapshot", state }], progress: true };
  }
  const reason = resetReason(known, answer);
  if (reason !== undefined) {
    return {
      state,
      events: [
        { type: "reset", reason, previous: known, state },
        { type: "snapshot", state },
      ],
      progress: false,
    };
  }
  if (answer.version === known.version) {
    return { state, events: [], progress: false };
  }

  const fresh = new Map<number, Change | Omit<Change, "source">>();
  for (const change of answer.changes ?? []) {
    if (change.version > known.version && change.version <= answer.version) {
      fresh.set(change.version, change);
    }
  }
  const ordered = [...fresh.values()].sort((a, b) => a.version - b.version);
  if (ordered.at(-1)?.version !== answer.version) {
    // The answer's own state is the newest change even if `changes` lacks it.
    ordered.push({
      version: answer.version,
      status: answer.status,
      at: answer.updatedAt,
    });
  }

  const events: StateEvent[] = [];
  let cursor: TaskState = known;
  for (const change of ordered) {
    if (change.version > cursor.version + 1) {
      events.push({
        type: "truncated",
        afterVersion: cursor.version,
        missed: change.version - cursor.version - 1,
      });
    }
    const next: TaskState = change.version === answer.version ? state : {
      status: change.status,
      version: change.version,
      epoch: state.epoch,
      updatedAt: change.at,
    };
    const event: StateEvent = {
      type: "change",
      from: cursor.status,
      to: next.status,
      version: next.version,
      at: next.updatedAt,
      state: next,
    };
    if ("source" in change) event.source = change.source;
    if (change.actor !== undefined) event.actor = change.actor;
    events.push(event);
    cursor = next;
  }
  return { state, events, progress: true };
}
