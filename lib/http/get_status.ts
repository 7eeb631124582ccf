import { fixedResponse, repeatable } from "$fresh/server.ts";
import type { StatusService } from "../app/status_service.ts";
import { serialize } from "../domain/serialize.ts";
import { DEFAULT_TASK } from "../domain/task_id.ts";
import {
  identityOf,
  type StoredIdentity,
  type TaskIdentity,
} from "../domain/task_identity.ts";
import type { TaskState } from "../domain/task_state.ts";
import { stateEtag, stateResponse } from "./responses.ts";
import { securedFor, withResourceHeaders } from "./security_headers.ts";
import { storeUnavailable } from "./store_errors.ts";

/** The identity task `taskId` shows: its stored one, else (for `default`) the configured one, else its id. */
export function taskIdentity(
  service: StatusService,
  taskId: string,
  stored: StoredIdentity | undefined,
): TaskIdentity {
  return identityOf(
    taskId,
    stored,
    taskId === DEFAULT_TASK ? service.config.defaultTask : undefined,
  );
}

/** True when `If-None-Match` names `etag`. */
export function etagMatches(request: Request, etag: string): boolean {
  const known = request.headers.get("if-none-match");
  return known !== null &&
    known.split(",").some((tag) => tag.trim() === etag);
}

/**
 * Answers `GET /get-status` (`taskId` defaults to `default`) and
 * `GET /tasks/{id}/get-status`: the state and the task's identity, or 304
 * when the client's ETag is current. A task some poll watches is answered
 * from memory; another is read from the store.
 */
export function answerGetStatus(
  request: Request,
  service: StatusService,
  taskId: string = DEFAULT_TASK,
): Response | Promise<Response> {
  const hub = service.store.hubs.peek(taskId);
  if (hub !== undefined) {
    const { state, identity } = hub;
    const response = answer(
      request,
      service,
      taskId,
      state,
      identity,
      hub.stateJson,
    );
    // While the task is watched and unchanged, the next plain read may be
    // answered with these very bytes (see `repeatable`).
    return repeatable(
      response,
      () =>
        hub.state === state && hub.identity === identity &&
        service.store.hubs.peek(taskId) === hub,
    );
  }
  return service.store.read(taskId).then(
    ({ record }) =>
      answer(request, service, taskId, record.state, record.identity),
    storeUnavailable,
  );
}

function answer(
  request: Request,
  service: StatusService,
  taskId: string,
  state: TaskState,
  stored: StoredIdentity | undefined,
  stateJson = serialize(state),
): Response {
  const etag = stateEtag(state);
  if (etagMatches(request, etag)) {
    return fixedResponse(304, null, {
      etag,
      "cache-control": "no-store",
      "x-status-version": String(state.version),
    });
  }
  const known = answers.get(state);
  if (known?.taskId === taskId && known.stored === stored) {
    return securedFor(known.response, request);
  }
  // The state is serialised once per version; the identity is added to it.
  const body = `${stateJson.slice(0, -1)},"task":${
    serialize(taskIdentity(service, taskId, stored))
  }}`;
  const response = withResourceHeaders(
    stateResponse(state.version, body, { etag }),
    service.config.frameAncestors,
  );
  answers.set(state, { taskId, stored, response });
  return securedFor(response, request);
}

/** The answer made for a state, kept while the state is. */
interface KnownAnswer {
  taskId: string;
  stored: StoredIdentity | undefined;
  response: Response;
}

// Reads of a state that has not changed get the answer made for it (or a copy,
// see `fixedFor`), security headers included.
const answers = new WeakMap<TaskState, KnownAnswer>();
