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
