import { errorResponse } from "./responses.ts";

const API_PREFIXES = [
  "/get-status",
  "/update-status",
  "/poll-status",
  "/healthz",
  "/metrics",
  "/openapi.json",
  "/api/",
];

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
