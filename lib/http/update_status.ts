import { readAdminBody } from "./admin_body.ts";
import { parseStatus, STATUSES } from "../domain/statuses.ts";
import type { StatusService } from "../app/status_service.ts";
import type { UpdateRequest } from "../domain/update_rule.ts";
import {
  StoreUnavailableError,
  TaskLimitError,
} from "../stores/status_store.ts";
import { parseActor, parseSource } from "../domain/change_source.ts";
import { DEFAULT_TASK } from "../domain/task_id.ts";
import { errorResponse, stateResponse } from "./responses.ts";

/** Largest update body read, in bytes. */
export { MAX_BODY_BYTES } from "./admin_body.ts";

/** Parsing an update body: the request, or a 400 message (and the allowed statuses). */
export type UpdateBodyParse =
  | { ok: true; request: UpdateRequest }
  | { ok: false; error: string; allowed?: readonly string[] };

/** Reads `{"status": …, "expected_version"?: N, "source"?: …, "actor"?: …}` from a JSON text. */
export function parseUpdateBody(text: string): UpdateBodyParse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {
      ok: false,
      error: 'body must be JSON, e.g. {"status":"En cours"}',
    };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return {
      ok: false,
      error: 'body must be a JSON object with a string "status"',
    };
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.status !== "string") {
    return { ok: false, error: 'body must have a string "status"' };
  }
  const status = parseStatus(fields.status);
  if (!status.ok) return { ok: false, error: status.error, allowed: STATUSES };
  const source = parseSource(fields.source);
  if (!source.ok) return source;
  const actor = parseActor(fields.actor);
  if (!actor.ok) return actor;
  const request: UpdateRequest = { status: status.status };
  if (source.value !== undefined) request.source = source.value;
  if (actor.value !== undefined) request.actor = actor.value;
  const expected = fields.expected_version;
  if (expected === undefined) return { ok: true, request };
  if (
    typeof expected !== "number" || !Number.isSafeInteger(expected) ||
    expected < 0
  ) {
    return {
      ok: false,
      error: `expected_version must be a non-negative integer, got ${
        JSON.stringify(expected)
      }`,
    };
  }
  return { ok: true, request: { ...request, expectedVersion: expected } };
}

/**
 * Answers `POST /update-status` (`taskId` defaults to `default`) and
 * `POST /tasks/{id}/update-status` from the client at `remoteAddr`: checks
 * who may update, then applies and reports the update.
 */
export async function answerUpdate(
  request: Request,
  service: StatusService,
  remoteAddr: Deno.NetAddr,
  taskId: string = DEFAULT_TASK,
): Promise<Response> {
  const body = await readAdminBody(request, service, remoteAddr);
  if (!body.ok) return body.response;
  const parsed = parseUpdateBody(body.text);
  if (!parsed.ok) {
    return errorResponse(
      400,
      parsed.error,
      parsed.allowed ? { allowed: parsed.allowed } : {},
    );
  }
  let result;
  try {
    result = await service.store.update(taskId, parsed.request);
  } catch (error) {
    if (error instanceof TaskLimitError) {
      return errorResponse(507, error.message);
    }
    if (!(error instanceof StoreUnavailableError)) throw error;
    return errorResponse(
      503,
      `the status could not be saved: ${error.message}`,
      {},
      {
        "retry-after": "1",
      },
    );
  }
  const { state } = result;
  // Answer a change only after one turn of the event loop, so that the polls
  // it woke and those already waiting to be read are served before the next
  // update can come in. Answered at once, an admin sending updates back to
  // back outran a thousand re-polling clients until the slowest had missed
  // more changes than the history keeps.
  if (result.kind === "changed") await nextTurn();
  switch (result.kind) {
    case "changed":
      service.metrics.updatesTotal++;
      return stateResponse(state.version, {
        message: "Statut mis à jour avec succès",
        ...state,
      });
    case "unchanged":
      return stateResponse(state.version, {
        message: "Statut inchangé",
        ...state,
      });
    case "conflict":
      return errorResponse(
        409,
        `expected_version ${parsed.request.expectedVersion} is not the current version ${state.version}`,
        { ...state },
        { "x-status-version": String(state.version) },
      );
  }
}

// A zero-delay timer, which Deno runs after about 2 ms. setImmediate comes
// back sooner but let a crowd of re-polls slow the updates below what the
// benchmark asks for (see docs/performance.md).
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
