import type { Change } from "./task_state.ts";

/** How many changes a store keeps for clients that fell behind. */
export const HISTORY_LIMIT = 100;

/** Returns the history with `change` appended, keeping only the newest `limit`. */
export function appendChange(
  history: readonly Change[],
  change: Change,
  limit = HISTORY_LIMIT,
): Change[] {
  const next = history.length >= limit
    ? history.slice(history.length - limit + 1)
    : history.slice();
  next.push(change);
  return next;
}

/** What a client at `version` missed, oldest first. */
export interface Missed {
  changes: Change[];
  /** True when older changes than the first listed were missed and are no longer kept. */
  truncated: boolean;
}

/** The changes after `version` that the history still holds. */
export function changesSince(
  history: readonly Change[],
  version: number,
): Missed {
  // Versions in the history are contiguous, so the cut is an index, not a search.
  const first = history[0];
  if (first === undefined) return { changes: [], truncated: false };
  const start = Math.max(0, version + 1 - first.version);
  return {
    changes: history.slice(start),
    truncated: version + 1 < first.version,
  };
}
