import type { StatusService } from "../app/status_service.ts";
import {
  decideMultiPoll,
  parseWatchList,
  type WatchedTask,
} from "../domain/multi_poll.ts";
import { holdFor } from "../domain/poll_rule.ts";
import { serialize } from "../domain/serialize.ts";
import type { StateHub } from "../live/state_hub.ts";
import { parsePollQuery, RETRY_AFTER_SECONDS } from "./poll_status.ts";
import { errorResponse, jsonResponse } from "./responses.ts";
import { storeUnavailable } from "./store_errors.ts";

const TIMED_OUT = '{"tasks":{},"timeout":true}';

/**
 * Answers `GET /poll-tasks?watch=a:3,b:7:EPOCH[&timeout=S]`: at once with
 * every watched task that is behind or must reset (`{"tasks": {id:
 * PollAnswer}}`), else when the first of them changes (with that one), or
 * `{"tasks": {}, "timeout": true}` when the hold ends. One held poll
 * against MAX_WAITERS, however many tasks it watches.
 */
export function answerPollTasks(
  request: Request,
  service: StatusService,
): Promise<Response> {
  const { metrics, config, store: { hubs } } = service;
  const params = new URL(request.url).searchParams;
  const watched = parseWatchList(params.get("watch"));
  const timeout = parsePollQuery(
    new URLSearchParams(
      params.has("timeout") ? { timeout: params.get("timeout")! } : {},
    ),
    config.pollTimeoutMs,
  );
  if (!watched.ok || !timeout.ok) {
    metrics.poll("rejected");
    return Promise.resolve(
      errorResponse(
        400,
        !watched.ok ? watched.error : (timeout as { error: string }).error,
      ),
    );
  }
  const tasks = watched.tasks;
  const acquired = tasks.map((task) => hubs.acquire(task.id));
  if (acquired.every((hub): hub is StateHub => !(hub instanceof Promise))) {
    return pollOn(
      tasks,
      acquired,
      timeout.query.timeoutSeconds,
      request,
      service,
    );
  }
  return Promise.allSettled(acquired).then((settled) => {
    const failed = settled.find((s) => s.status === "rejected");
    if (failed !== undefined) {
      // Those that loaded are given back; a failed load holds nothing.
      settled.forEach((s, i) => {
        if (s.status === "fulfilled") hubs.release(tasks[i].id);
      });
      return storeUnavailable((failed as PromiseRejectedResult).reason);
    }
    const loaded = settled.map((s) =>
      (s as PromiseFulfilledResult<StateHub>).value
    );
    return pollOn(
      tasks,
      loaded,
      timeout.query.timeoutSeconds,
      request,
      service,
    );
  });
}

function pollOn(
  tasks: WatchedTask[],
  hubList: StateHub[],
  timeoutSeconds: number | undefined,
  request: Request,
  service: StatusService,
): Promise<Response> {
  const { hubs } = service.store;
  try {
    return decideAndHold(tasks, hubList, timeoutSeconds, request, service);
  } finally {
    // A held poll keeps its hubs itself.
    for (const task of tasks) hubs.release(task.id);
  }
}

function decideAndHold(
  tasks: WatchedTask[],
  hubList: StateHub[],
  timeoutSeconds: number | undefined,
  request: Request,
  service: StatusService,
): Promise<Response> {
  const { metrics, config, store: { hubs } } = service;
  const byId = new Map(tasks.map((task, i) => [task.id, hubList[i]]));
  // From here to holdMany() nothing awaits: no change can fall in between.
  const decision = decideMultiPoll(tasks, (id) => byId.get(id)!);
  if (decision.kind === "now") {
    const answered: Record<string, unknown> = {};
    let reset = false;
    for (const { id, outcome, answer } of decision.answers) {
      answered[id] = answer;
      reset ||= outcome === "reset";
    }
    metrics.poll(reset ? "reset" : "changed");
    return Promise.resolve(jsonResponse(200, { tasks: answered }));
  }
  const { heldPolls } = service;
  if (heldPolls ? !heldPolls.take() : hubs.polls >= config.maxWaiters) {
    metrics.poll("rejected");
    return Promise.resolve(errorResponse(
      503,
      `too many held polls (MAX_WAITERS is ${config.maxWaiters}); retry later`,
      {},
      { "retry-after": String(RETRY_AFTER_SECONDS), connection: "close" },
    ));
  }
  const hold = holdFor(config.pollTimeoutMs, timeoutSeconds, service.random());
  const ids = tasks.map((task) => task.id);
  return hubs.holdMany(ids, hubList, hold.ms, request.signal, hold.slackMs)
    .then((outcome) => {
      heldPolls?.release();
      switch (outcome.kind) {
        case "changed": {
          const announcement = outcome.value;
          metrics.answered(announcement);
          if (announcement.reason === "shutdown") {
            return jsonResponse(200, TIMED_OUT);
          }
          // The hub serialised the answer once for every poll it woke.
          return jsonResponse(
            200,
            `{"tasks":{${serialize(ids[outcome.index])}:${announcement.body}}}`,
          );
        }
        case "timeout":
          metrics.poll("timeout");
          return jsonResponse(200, TIMED_OUT);
        case "aborted":
          metrics.poll("aborted");
          return new Response(null, { status: 499 });
      }
    });
}
