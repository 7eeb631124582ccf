import type { WaitOutcome } from "../live/broadcaster.ts";
import { decidePoll, holdFor, type PollQuery } from "../domain/poll_rule.ts";
import type { Announcement, StateHub } from "../live/state_hub.ts";
import type { TaskState } from "../domain/task_state.ts";
import type { StatusService } from "../app/status_service.ts";
import { DEFAULT_TASK } from "../domain/task_id.ts";
import { errorResponse, stateResponse } from "./responses.ts";
import { securedFor, withResourceHeaders } from "./security_headers.ts";
import { storeUnavailable } from "./store_errors.ts";

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

/** Seconds a client turned away for lack of room should wait. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Answers `GET /poll-status` (`taskId` defaults to `default`) and
 * `GET /tasks/{id}/poll-status`: at once, or when the task changes, the
 * hold ends or the client leaves.
 */
export function answerPoll(
  request: Request,
  service: StatusService,
  taskId: string = DEFAULT_TASK,
): Promise<Response> {
  const { metrics, config, store: { hubs } } = service;
  const parsed = parsePollQuery(
    new URL(request.url).searchParams,
    config.pollTimeoutMs,
  );
  if (!parsed.ok) {
    metrics.poll("rejected");
    return Promise.resolve(errorResponse(400, parsed.error));
  }
  // A task nobody watched yet is read first; its hub is kept from then on.
  const acquired = hubs.acquire(taskId);
  if (acquired instanceof Promise) {
    return acquired.then(
      (hub) => pollOn(hub, taskId, parsed.query, request, service),
      storeUnavailable,
    );
  }
  return pollOn(acquired, taskId, parsed.query, request, service);
}

function pollOn(
  hub: StateHub,
  taskId: string,
  query: PollQuery,
  request: Request,
  service: StatusService,
): Promise<Response> {
  try {
    return decideAndHold(hub, taskId, query, request, service);
  } finally {
    // A held poll keeps the hub itself.
    service.store.hubs.release(taskId);
  }
}

function decideAndHold(
  hub: StateHub,
  taskId: string,
  query: PollQuery,
  request: Request,
  service: StatusService,
): Promise<Response> {
  const { metrics, config } = service;
  const parsed = { query };
  // From here to hold() nothing awaits: the version is compared and the
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
    if (answer === hub.state) {
      return Promise.resolve(stateResponse(answer.version, hub.stateJson));
    }
    return Promise.resolve(securedFor(
      catchUpAnswer(
        hub,
        // A reset answer is the same whatever version or epoch was given.
        decision.outcome === "reset" ? "reset" : query.lastVersion,
        () => stateResponse(answer.version, answer),
        config.frameAncestors,
      ),
      request,
    ));
  }
  const { heldPolls } = service;
  if (
    heldPolls
      ? !heldPolls.take()
      : service.store.hubs.polls >= config.maxWaiters
  ) {
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
  return service.store.hubs.hold(
    taskId,
    hub,
    hold.ms,
    request.signal,
    hold.slackMs,
  ).then((outcome) => {
    heldPolls?.release();
    return answerHeld(outcome, hub, request, service);
  });
}

// One answer per change, given to every poll it wakes (see `fixedFor`): the
// bytes are the same, and making thousands of Responses was most of a
// fan-out's time. It carries its security headers already.
const announcedAnswers = new WeakMap<Announcement, Response>();

function announcedAnswer(
  announcement: Announcement,
  frameAncestors: string,
): Response {
  let answer = announcedAnswers.get(announcement);
  if (answer === undefined) {
    answer = withResourceHeaders(
      stateResponse(announcement.version, announcement.body),
      frameAncestors,
    );
    announcedAnswers.set(announcement, answer);
  }
  return answer;
}

/** What a catch-up answer depends on besides the state: the version the poll gave, or that it is a reset. */
type CatchUpKey = number | undefined | "reset";

/** Catch-up answers of one state of a hub. */
interface CatchUps {
  state: TaskState;
  answers: Map<CatchUpKey, Response>;
}

// Clients that fell behind together come back with the same version: under
// a storm of re-polls most catch-up answers (the state and every change
// missed, up to 100) are ones just made for someone else. At most
// MAX_CATCH_UPS answers are kept over all tasks, so polls naming many old
// versions of many tasks cannot make the cache grow.
const catchUps = new Map<StateHub, CatchUps>();
const MAX_CATCH_UPS = 256;
let catchUpCount = 0;

function catchUpAnswer(
  hub: StateHub,
  key: CatchUpKey,
  make: () => Response,
  frameAncestors: string,
): Response {
  let cache = catchUps.get(hub);
  if (cache === undefined || cache.state !== hub.state) {
    catchUpCount -= cache?.answers.size ?? 0;
    cache = { state: hub.state, answers: new Map() };
    catchUps.set(hub, cache);
  }
  let answer = cache.answers.get(key);
  if (answer === undefined) {
    if (catchUpCount >= MAX_CATCH_UPS) {
      catchUps.clear();
      catchUpCount = 0;
      cache = { state: hub.state, answers: new Map() };
      catchUps.set(hub, cache);
    }
    answer = withResourceHeaders(make(), frameAncestors);
    cache.answers.set(key, answer);
    catchUpCount++;
  }
  return answer;
}

/** Catch-up answers kept now, over all tasks. */
export function catchUpsKept(): number {
  return catchUpCount;
}

function answerHeld(
  outcome: WaitOutcome<Announcement>,
  hub: StateHub,
  request: Request,
  { metrics, config }: StatusService,
): Response {
  switch (outcome.kind) {
    case "changed": {
      const announcement = outcome.value;
      metrics.answered(announcement);
      return securedFor(
        announcedAnswer(announcement, config.frameAncestors),
        request,
      );
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
