/** The task collection: `GET /tasks` (JSON), `PUT /tasks/{id}` (identity) and `DELETE /tasks/{id}`. */
import type { StatusService } from "../app/status_service.ts";
import { parseIdentity } from "../domain/task_identity.ts";
import { parseTaskId } from "../domain/task_id.ts";
import { parseListQuery, type TaskSummary } from "../domain/task_list.ts";
import { serialize } from "../domain/serialize.ts";
import { readAdminBody } from "./admin_body.ts";
import { taskIdentity } from "./get_status.ts";
import { errorResponse, jsonResponse, stateResponse } from "./responses.ts";
import { storeUnavailable } from "./store_errors.ts";
import { updateRefusal } from "./update_access.ts";

/**
 * True when the request asks for JSON rather than a page: its `Accept`
 * names `application/json` (or a `+json` type) and not `text/html` first.
 * `/tasks` and `/tasks/{id}` are both the board or task page and the API.
 */
export function wantsJson(request: Request): boolean {
  const accept = request.headers.get("accept")?.toLowerCase() ?? "";
  const json = accept.search(/application\/(?:[\w.+-]*\+)?json/);
  if (json === -1) return false;
  const html = accept.indexOf("text/html");
  return html === -1 || json < html;
}

/**
 * The task id of a path parameter, or the 400 answer naming what is wrong.
 *
 * @example
 * ```ts
 * const id = taskIdParam(ctx.params.id);
 * if (!id.ok) return id.response;
 * ```
 */
export function taskIdParam(
  raw: string | undefined,
): { ok: true; id: string } | { ok: false; response: Response } {
  const parsed = parseTaskId(raw);
  return parsed.ok
    ? parsed
    : { ok: false, response: errorResponse(400, parsed.error) };
}

/** Answers `GET /tasks?limit=N&after=ID` with JSON: `{"tasks": [...], "next"?: id}`, sorted by id. */
export async function answerTaskList(
  request: Request,
  service: StatusService,
): Promise<Response> {
  const parsed = parseListQuery(new URL(request.url).searchParams);
  if (!parsed.ok) return errorResponse(400, parsed.error);
  try {
    const page = await service.store.list(parsed.query);
    const tasks: TaskSummary[] = page.tasks.map(({ id, state, identity }) => ({
      id,
      name: taskIdentity(service, id, identity).name,
      status: state.status,
      version: state.version,
      updatedAt: state.updatedAt,
    }));
    return jsonResponse(
      200,
      page.next === undefined ? { tasks } : { tasks, next: page.next },
    );
  } catch (error) {
    return storeUnavailable(error);
  }
}

/**
 * Answers `PUT /tasks/{id}` from the client at `remoteAddr` (who may is
 * decided as for updates): stores `{"name", "description"?, "url"?}` as the
 * task's identity, storing the task if it was not. Answers the state with
 * `task`, as `get-status` does.
 */
export async function answerSetIdentity(
  request: Request,
  service: StatusService,
  remoteAddr: Deno.NetAddr,
  taskId: string,
): Promise<Response> {
  const body = await readAdminBody(request, service, remoteAddr);
  if (!body.ok) return body.response;
  let value: unknown;
  try {
    value = JSON.parse(body.text);
  } catch {
    return errorResponse(
      400,
      'body must be JSON, e.g. {"name":"Déploiement","url":"https://ci.example.com/42"}',
    );
  }
  const identity = parseIdentity(value);
  if (!identity.ok) return errorResponse(400, identity.error);
  try {
    const { record } = await service.store.setIdentity(taskId, identity.value);
    const task = taskIdentity(service, taskId, record.identity);
    return stateResponse(
      record.state.version,
      `${serialize(record.state).slice(0, -1)},"task":${serialize(task)}}`,
    );
  } catch (error) {
    return storeUnavailable(error);
  }
}

/**
 * Answers `DELETE /tasks/{id}` from the client at `remoteAddr` (who may is
 * decided as for updates): `{"deleted": id}`, or 404 when the task is not
 * stored. Its held polls are answered with `reset`.
 */
export async function answerDeleteTask(
  request: Request,
  service: StatusService,
  remoteAddr: Deno.NetAddr,
  taskId: string,
): Promise<Response> {
  const refusal = updateRefusal(request, service.config.adminToken, remoteAddr);
  if (refusal !== undefined) return refusal;
  try {
    return await service.store.delete(taskId)
      ? jsonResponse(200, { deleted: taskId })
      : errorResponse(404, `task ${taskId} is not stored`);
  } catch (error) {
    return storeUnavailable(error);
  }
}
