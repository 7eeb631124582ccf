import { fixedResponse } from "$fresh/server.ts";
import { serialize } from "../domain/serialize.ts";
import type { TaskState } from "../domain/task_state.ts";

const JSON_TYPE = "application/json; charset=utf-8";

/** A JSON API answer: every one is `no-store`, as the contract says. */
export function jsonResponse(
  status: number,
  body: string | unknown,
  headers: Record<string, string> = {},
): Response {
  return fixedResponse(
    status,
    typeof body === "string" ? body : serialize(body),
    {
      "content-type": JSON_TYPE,
      "cache-control": "no-store",
      ...headers,
    },
  );
}

/** An answer carrying a state: its version also goes in `X-Status-Version`. */
export function stateResponse(
  version: number,
  body: string | unknown,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(200, body, {
    "x-status-version": String(version),
    ...headers,
  });
}

/** An error answer `{"error": message, ...extra}`. */
export function errorResponse(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(status, { error: message, ...extra }, headers);
}

/** The ETag of a state: `"<epoch>.<version>"`. */
export function stateEtag(state: TaskState): string {
  return `"${state.epoch}.${state.version}"`;
}
