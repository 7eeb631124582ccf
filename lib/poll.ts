import type { WaitOutcome } from "./broadcaster.ts";
import type { Missed } from "./history.ts";
import type { PollOutcome } from "./metrics.ts";
import type { PollAnswer, TaskState } from "./state.ts";
import type { Announcement } from "./state_hub.ts";
import type { StatusService } from "./status_service.ts";
import { errorResponse, stateResponse } from "./wire.ts";

/** A poll's query, validated. */
export interface PollQuery {
  lastVersion?: number;
  epoch?: string;
  /** Requested hold in seconds, at most the server's. */
  timeoutSeconds?: number;
}

/** Parsing a poll's query: the query, or what was wrong with it. */
export type PollQueryParse =
  | { ok: true; query: PollQuery }
  | { ok: false; error: string };

const DIGITS = /^\d+$/;

/** Reads `last_version`, `epoch` and `timeout` from a poll's query string. */
export function parsePollQuery(
  params: URLSearchParams,
  pollTimeoutMs: number,
): PollQueryParse {
  const query: PollQuery = {};
  const last = params.get("last_version");
  if (last !== null) {
    if (!DIGITS.test(last) || Number(last) > Number.MAX_SAFE_INTEGER) {
      return {
        ok: false,
        error: `last_version must be a non-negative integer up to 2^53-1, got ${
          JSON.stringify(last)
        }`,
      };
    }
    query.lastVersion = Number(last);
  }
  const epoch = params.get("epoch");
  if (epoch !== null) query.epoch = epoch;
  const timeout = params.get("timeout");
  if (timeout !== null) {
    const max = Math.max(1, Math.floor(pollTimeoutMs / 1000));
    if (!DIGITS.test(timeout) || Number(timeout) < 1 || Number(timeout) > max) {
      return {
        ok: false,
        error:
          `timeout must be an integer number of seconds from 1 to ${max}, got ${
            JSON.stringify(timeout)
          }`,
      };
    }
    query.timeoutSeconds = Number(timeout);
  }
  return { ok: true, query };
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

/** Seconds a client turned away for lack of room should wait. */
export const RETRY_AFTER_SECONDS = 5;

/** Answers `GET /poll-status`: at once, or when the status changes, the hold ends or the client leaves. */
export function answerPoll(
  request: Request,
  service: StatusService,
): Promise<Response> {
  const { hub } = service.store;
  const { metrics, config } = service;
  const parsed = parsePollQuery(
    new URL(request.url).searchParams,
    config.pollTimeoutMs,
  );
  if (!parsed.ok) {
    metrics.poll("rejected");
    return Promise.resolve(errorResponse(400, parsed.error));
  }
  // From here to hub.hold() nothing awaits: the version is compared and the
  // waiter registered in the same tick, so no update can fall in between.
  const decision = decidePoll(
    hub.state,
    (v) => hub.changesSince(v),
    parsed.query,
  );
  if (decision.kind === "now") {
    metrics.poll(decision.outcome);
    const { answer } = decision;
    // The plain current state is serialised once per version.
    const body = answer === hub.state ? hub.stateJson : answer;
    return Promise.resolve(stateResponse(answer.version, body));
  }
  if (hub.waiting >= config.maxWaiters) {
    metrics.poll("rejected");
    return Promise.resolve(errorResponse(
      503,
      `too many held polls (MAX_WAITERS is ${config.maxWaiters}); retry later`,
      {},
      // Closing frees the socket for the polls this process does hold.
      { "retry-after": String(RETRY_AFTER_SECONDS), connection: "close" },
    ));
  }
  // A plain promise chain, not an async function: a held poll then keeps
  // alive only its waiter, not a suspended frame of this function.
  const hold = holdFor(
    config.pollTimeoutMs,
    parsed.query.timeoutSeconds,
    service.random(),
  );
  return hub.hold(hold.ms, request.signal, hold.slackMs)
    .then((outcome) => answerHeld(outcome, service));
}

function answerHeld(
  outcome: WaitOutcome<Announcement>,
  { store: { hub }, metrics }: StatusService,
): Response {
  switch (outcome.kind) {
    case "changed": {
      const announcement = outcome.value;
      metrics.poll(announcement.reason);
      if (--announcement.pending === 0) {
        metrics.fanout((performance.now() - announcement.publishedAt) / 1000);
      }
      return stateResponse(announcement.version, announcement.body);
    }
    case "timeout": {
      metrics.poll("timeout");
      const state = hub.state;
      return stateResponse(state.version, { ...state, timeout: true });
    }
    case "aborted":
      metrics.poll("aborted");
      // Nobody reads this: the client is gone.
      return new Response(null, { status: 499 });
  }
}
