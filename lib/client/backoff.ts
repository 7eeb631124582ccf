/** Pure timing decisions of the long-poll client: no timers here. */

/** First backoff ceiling: about half a second. */
export const BASE_DELAY_MS = 500;
/** Backoff ceilings double up to this. */
export const MAX_DELAY_MS = 30_000;
/** A `Retry-After` beyond this is taken as this (a misconfigured proxy must not park clients for hours). */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * Full-jitter backoff before retry number `attempt` (1 for the first retry):
 * uniform in [0, min(MAX_DELAY_MS, BASE_DELAY_MS * 2^(attempt-1))).
 */
export function nextDelay(
  attempt: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * Reads a `Retry-After` header (delta-seconds or HTTP-date) as milliseconds
 * from `now`, clamped to [0, MAX_RETRY_AFTER_MS]; undefined when absent or
 * unreadable.
 */
export function retryAfterMs(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const date = Date.parse(text);
    if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
    ms = date - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/**
 * The wait before retry number `attempt`: full jitter, or, when the server
 * asked for a delay, that delay plus full jitter so that the clients it
 * turned away together do not all come back together.
 */
export function retryDelay(
  attempt: number,
  serverDelayMs: number | undefined,
  random: () => number = Math.random,
): number {
  const jitter = nextDelay(attempt, random);
  if (serverDelayMs === undefined) return jitter;
  return Math.min(
    serverDelayMs + jitter,
    Math.max(serverDelayMs, MAX_DELAY_MS),
  );
}

/**
 * How long to hold the next request so that it starts at least
 * `minIntervalMs` after the previous one started: the floor that keeps a
 * client from spinning whatever the server answers.
 */
export function paceDelay(
  lastStartMs: number,
  nowMs: number,
  minIntervalMs: number,
): number {
  return Math.max(0, lastStartMs + minIntervalMs - nowMs);
}

/** The server's longest hold when the client does not ask for less. */
export const DEFAULT_HOLD_MS = 25_000;
/** How long past the hold time a poll may stay unanswered before the watchdog drops it. */
export const WATCHDOG_GRACE_MS = 5_000;

/**
 * How long a poll that asked for `timeoutSeconds` of hold (the server's
 * longest when undefined) may stay unanswered before it is taken as lost.
 */
export function watchdogDelay(timeoutSeconds: number | undefined): number {
  const hold = timeoutSeconds === undefined
    ? DEFAULT_HOLD_MS
    : timeoutSeconds * 1000;
  return hold + WATCHDOG_GRACE_MS;
}
