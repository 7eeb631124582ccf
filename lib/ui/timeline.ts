/**
 * The task's current run, from its kept changes: how long it spent in each
 * status, for the timeline bar and the total duration. A run starts after
 * the last final status (or at the oldest kept change) and ends at the next
 * final status, or goes on until now.
 */
import type { Status } from "../domain/statuses.ts";
import type { Change } from "../domain/task_state.ts";
import { isFinal } from "./status_look.ts";

/** A stretch of time in one status. */
export interface Segment {
  status: Status;
  /** ms since the epoch. */
  from: number;
  to: number;
}

/** The current run. */
export interface Run {
  /** The statuses before the end, oldest first (the final status itself lasts no time). */
  segments: Segment[];
  start: number;
  /** The final change's time, or `now` while the run goes on. */
  end: number;
  /** The status the run ended on, if it did. */
  ended?: Status;
  /**
   * The run may have begun before the oldest kept change (the server keeps
   * the last 100): its start, and so its total, are at least what is shown.
   */
  partial: boolean;
}

/**
 * The current run of `history` (kept changes, oldest first, the last one
 * being the current status) seen at `now`; undefined with no changes.
 */
export function currentRun(
  history: readonly Change[],
  now: number,
): Run | undefined {
  const last = history.length - 1;
  if (last < 0) return undefined;
  const ended = isFinal(history[last].status);
  // The run starts after the previous final status before its last change.
  let first = last;
  while (first > 0 && !isFinal(history[first - 1].status)) first--;
  const times = history.map((change) => Date.parse(change.at));
  const end = ended ? times[last] : Math.max(now, times[last]);
  const segments: Segment[] = [];
  for (let i = first; i <= last; i++) {
    if (i === last && ended) break;
    segments.push({
      status: history[i].status,
      from: times[i],
      to: i === last ? end : times[i + 1],
    });
  }
  const run: Run = {
    segments,
    start: times[first],
    end,
    partial: first === 0 && history[0].version > 1,
  };
  if (ended) run.ended = history[last].status;
  return run;
}

/** Time spent in each status over `run`, in the order the statuses first came. */
export function timeByStatus(run: Run): { status: Status; ms: number }[] {
  const totals = new Map<Status, number>();
  for (const { status, from, to } of run.segments) {
    totals.set(status, (totals.get(status) ?? 0) + Math.max(0, to - from));
  }
  return [...totals].map(([status, ms]) => ({ status, ms }));
}

/**
 * Each segment's share of the bar, in percent, summing to 100; a segment
 * too short to see gets a sliver (`minPercent`) taken from the longest.
 */
export function barShares(run: Run, minPercent = 1.5): number[] {
  const span = run.end - run.start;
  if (run.segments.length === 0) return [];
  if (span <= 0) return run.segments.map(() => 100 / run.segments.length);
  const shares = run.segments.map((s) =>
    Math.max(minPercent, ((s.to - s.from) / span) * 100)
  );
  const excess = shares.reduce((a, b) => a + b, 0) - 100;
  const longest = shares.indexOf(Math.max(...shares));
  shares[longest] = Math.max(0, shares[longest] - excess);
  return shares;
}
