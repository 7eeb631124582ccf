import { errorResponse } from "./responses.ts";

/**
 * The HTTP API's endpoints: the one list that the routes' answers, the
 * OpenAPI document and the JSON-not-page rule for errors all follow.
 * `{id}` stands for a task id. Today's paths mean the task `default`.
 */
export const API_PATHS = {
  getStatus: "/get-status",
  updateStatus: "/update-status",
  pollStatus: "/poll-status",
  badge: "/badge.svg",
  taskGetStatus: "/tasks/{id}/get-status",
  taskUpdateStatus: "/tasks/{id}/update-status",
  taskPollStatus: "/tasks/{id}/poll-status",
  taskBadge: "/tasks/{id}/badge.svg",
  pollTasks: "/poll-tasks",
  healthz: "/healthz",
  metrics: "/metrics",
  openapi: "/openapi.json",
} as const;

/**
 * Paths that are a page for browsers and the API for JSON clients: `GET`
 * answers JSON when `Accept` asks for it (the board, the task page
 * otherwise); their other methods are API only.
 */
export const PAGE_AND_API_PATHS = {
  tasks: "/tasks",
  task: "/tasks/{id}",
} as const;

/** A path of the list as a pattern: `{id}` matches one segment. */
function pattern(path: string, exact: boolean): RegExp {
  const body = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(
    "{id}",
    "[^/]+",
  );
  return new RegExp(`^${body}${exact ? "$" : ""}`);
}

/** Paths under these are API too: unknown ones answer JSON 404s (anything below a task's page, say). */
const API_PATTERNS = [
  ...Object.values(API_PATHS).map((path) => pattern(path, false)),
  /^\/api\//,
  /^\/tasks\/[^/]+\//,
];
const PAGE_AND_API_PATTERNS = Object.values(PAGE_AND_API_PATHS).map((path) =>
  pattern(path, true)
);

/** True for paths that belong to the HTTP API, whose errors are JSON, not pages. */
export function isApiPath(pathname: string): boolean {
  return API_PATTERNS.some((api) => api.test(pathname));
}

/**
 * The framework answers a method a route lacks with a plain-text 405; on
 * the API that answer becomes JSON and `no-store`, like every other.
 */
export function asApiAnswer(request: Request, response: Response): Response {
  if (response.status !== 405) return response;
  const { pathname } = new URL(request.url);
  if (
    !isApiPath(pathname) &&
    !PAGE_AND_API_PATTERNS.some((both) => both.test(pathname))
  ) {
    return response;
  }
  const allow = response.headers.get("allow") ?? "";
  return errorResponse(
    405,
    `${request.method} is not allowed on ${pathname}; use ${allow}`,
    {},
    { allow },
  );
}
