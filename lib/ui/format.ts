/** Time formatting for the page, in French. */

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** Local wall-clock time of `at` (ms since the epoch) as `HH:MM:SS`. */
export function clockTime(at: number): string {
  const date = new Date(at);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${
    pad(date.getSeconds())
  }`;
}

/**
 * How long ago `then` was, seen from `now` (both ms since the epoch), in
 * French: "à l'instant", "il y a 12 s", "il y a 3 min", "il y a 2 h",
 * "il y a 4 j". A `then` in the future (clocks that disagree) reads as now.
 */
export function timeAgo(then: number, now: number): string {
  const seconds = Math.floor((now - then) / 1000);
  if (!Number.isFinite(seconds) || seconds < 5) return "à l'instant";
  if (seconds < 60) return `il y a ${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `il y a ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `il y a ${hours} h`;
  return `il y a ${Math.floor(hours / 24)} j`;
}

/**
 * How often a `timeAgo` text of an age of `ageMs` must be recomputed to
 * stay right: every second under a minute, then every 15 s, then every
 * minute, so that an idle page does not wake up for nothing.
 */
export function refreshEvery(ageMs: number): number {
  if (ageMs < 60_000) return 1_000;
  if (ageMs < 3_600_000) return 15_000;
  return 60_000;
}

/** Whole seconds from `now` until `at`, never negative (rounded up: "dans 1 s" until it is due). */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}
