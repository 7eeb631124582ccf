import { readCapped } from "./capped_body.ts";
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
import { updateRefusal } from "./update_access.ts";

/** Largest update body read, in bytes. */
export const MAX_BODY_BYTES = 4 * 1024;

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

function isJson(contentType: string | null): boolean {
  const type = contentType?.split(";")[0].trim().toLowerCase();
  return type === "application/json" || (type?.endsWith("+json") ?? false);
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
  const refusal = updateRefusal(
    request,
    service.config.adminToken,
    remoteAddr,
  );
  if (refusal !== undefined) return refusal;
  if (!isJson(request.headers.get("content-type"))) {
    return errorResponse(415, "Content-Type must be application/json");
  }
  const body = await readCapped(request, MAX_BODY_BYTES);
  if (!body.ok) {
    return body.reason === "too-large"
      ? errorResponse(413, `body must be at most ${MAX_BODY_BYTES} bytes`)
      : errorResponse(400, "body could not be read as UTF-8");
  }
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
