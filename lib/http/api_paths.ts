import { errorResponse } from "./responses.ts";

/**
 * The HTTP API's endpoints: the one list that the routes' answers, the
 * OpenAPI document and the JSON-not-page rule for errors all follow.
 */
export const API_PATHS = {
  getStatus: "/get-status",
  updateStatus: "/update-status",
  pollStatus: "/poll-status",
  healthz: "/healthz",
  metrics: "/metrics",
  openapi: "/openapi.json",
} as const;

/** Paths under these prefixes are API too: unknown ones answer JSON 404s. */
const API_PREFIXES = [...Object.values(API_PATHS), "/api/"];

/** True for paths that belong to the HTTP API, whose errors are JSON, not pages. */
export function isApiPath(pathname: string): boolean {
  return API_PREFIXES.some((prefix) => pathname.startsWith(prefix));
}

/**
 * The framework answers a method a route lacks with a plain-text 405; on
 * the API that answer becomes JSON and `no-store`, like every other.
 */
export function asApiAnswer(request: Request, response: Response): Response {
  if (response.status !== 405) return response;
  const { pathname } = new URL(request.url);
  if (!isApiPath(pathname)) return response;
  const allow = response.headers.get("allow") ?? "";
  return errorResponse(
    405,
    `${request.method} is not allowed on ${pathname}; use ${allow}`,
    {},
    { allow },
  );
}
