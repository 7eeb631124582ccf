/** Time formatting for the pages, in French, in the reader's time zone. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A day, as the pages count it: older times carry their date. */
export const DAY = 24 * HOUR;

const MONTHS = [
  "janv.",
  "févr.",
  "mars",
  "avr.",
  "mai",
  "juin",
  "juil.",
  "août",
  "sept.",
  "oct.",
  "nov.",
  "déc.",
];

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

/** Local time of `at` as `HH:MM`. */
export function shortTime(at: number): string {
  const date = new Date(at);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The local date of `at` as "12 mars", with the year when it is not `now`'s ("12 mars 2023"). */
export function shortDate(at: number, now: number): string {
  const date = new Date(at);
  const year = date.getFullYear() === new Date(now).getFullYear()
    ? ""
    : ` ${date.getFullYear()}`;
  return `${date.getDate()} ${MONTHS[date.getMonth()]}${year}`;
}

/**
 * `at` as a reader places it: "14:02" within a day of `now`, else
 * "le 12 mars à 14:02" (times more than a day old carry their date).
 */
export function moment(at: number, now: number): string {
  if (now - at < DAY) return shortTime(at);
  return `le ${shortDate(at, now)} à ${shortTime(at)}`;
}

/**
 * A duration in words, as precise as it needs to be: "12 s", "12 min",
 * "2 h 05", "3 j 4 h". Negative durations (clocks that disagree) read as 0 s.
 */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${pad(minutes % 60)}`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} j` : `${days} j ${hours % 24} h`;
}

/** "depuis 12 min, depuis 14:02": how long a status has held, and since when. */
export function sinceText(since: number, now: number): string {
  return `depuis ${duration(now - since)}, depuis ${moment(since, now)}`;
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
 * How often a text about an age of `ageMs` must be recomputed to stay
 * right: every second under a minute, then every 15 s, then every minute,
 * so that an idle page does not wake up for nothing.
 */
export function refreshEvery(ageMs: number): number {
  if (ageMs < MINUTE) return 1_000;
  if (ageMs < HOUR) return 15_000;
  return MINUTE;
}

/** Whole seconds from `now` until `at`, never negative (rounded up: "dans 1 s" until it is due). */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}
