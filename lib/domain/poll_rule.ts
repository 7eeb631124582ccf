import type { Missed } from "./history.ts";
import type { PollAnswer, TaskState } from "./task_state.ts";

/** How a poll was answered, as counted in `/metrics`. */
export const POLL_OUTCOMES = [
  "changed",
  "current",
  "timeout",
  "reset",
  "aborted",
  "rejected",
  "shutdown",
] as const;

/** One of {@link POLL_OUTCOMES}. */
export type PollOutcome = typeof POLL_OUTCOMES[number];

/** A poll's query, validated. */
export interface PollQuery {
  lastVersion?: number;
  epoch?: string;
  /** Requested hold in seconds, at most the server's. */
  timeoutSeconds?: number;
}

/** Answer now (and how), or hold the poll until the next change. */
export type PollDecision =
  | { kind: "now"; outcome: PollOutcome; answer: PollAnswer }
  | { kind: "hold" };

/** Decides what a poll gets, given the state the server holds now. */
export function decidePoll(
  state: TaskState,
  changesSince: (version: number) => Missed,
  query: PollQuery,
): PollDecision {
  const { lastVersion, epoch } = query;
  if (lastVersion === undefined) {
    return { kind: "now", outcome: "current", answer: state };
  }
  if (
    (epoch !== undefined && epoch !== state.epoch) ||
    lastVersion > state.version
  ) {
    return { kind: "now", outcome: "reset", answer: { ...state, reset: true } };
  }
  if (lastVersion < state.version) {
    const missed = changesSince(lastVersion);
    const answer: PollAnswer = { ...state, changes: missed.changes };
    if (missed.truncated) answer.truncated = true;
    return { kind: "now", outcome: "changed", answer };
  }
  return { kind: "hold" };
}

/** How long a poll is held: `ms`, or up to `slackMs` less. */
export interface Hold {
  ms: number;
  slackMs: number;
}

/**
 * How long to hold: the requested time with up to 1/16 taken off at random,
 * so that clients which timed out together do not come back together. What
 * is left of the 1/16 is slack the hold may end sooner by; never later.
 */
export function holdFor(
  pollTimeoutMs: number,
  timeoutSeconds: number | undefined,
  random: number,
): Hold {
  const base = timeoutSeconds === undefined
    ? pollTimeoutMs
    : Math.min(timeoutSeconds * 1000, pollTimeoutMs);
  const shortest = base - base / 16;
  const ms = Math.ceil(base - (base / 16) * random);
  return { ms, slackMs: ms - shortest };
}
