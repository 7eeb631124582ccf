/**
 * How file names under `routes/` become URL patterns, which pattern wins
 * when several match, and which layouts and middlewares a file sits under:
 * pure functions, no I/O.
 */

const REST = /^\[\.\.\.([^\]/]+)\]$/;
const OPTIONAL = /^\[\[([^\]/]+)\]\]$/;
const PARAM = /\[([^\]/]+)\]/g;
const SPECIAL = /[:*?+(){}\\]/g;

/** Drops the extension: "blog/[slug].tsx" -> "blog/[slug]", "openapi.json.ts" -> "openapi.json". */
export function stripExtension(file: string): string {
  return file.replace(/\.(tsx|ts|jsx|js|mts|mjs)$/, "");
}

/**
 * The URLPattern pathname of a route file (relative to `routes/`, extension
 * dropped): `index` is the directory itself, `[id]` a parameter, `[...rest]`
 * a catch-all, `[[opt]]` an optional parameter, and `(group)` adds nothing.
 */
export function routePattern(file: string): string {
  const segments = file.split("/").filter((s) => s && !/^\(.*\)$/.test(s));
  if (segments.at(-1) === "index") segments.pop();
  const parts = segments.map((segment) => {
    const rest = segment.match(REST);
    if (rest) return `:${rest[1]}*`;
    const optional = segment.match(OPTIONAL);
    if (optional) return `:${optional[1]}?`;
    return segment.split(PARAM).map((piece, i) =>
      // split() with a capture group alternates text and parameter names.
      i % 2 === 1 ? `:${piece}` : piece.replace(SPECIAL, "\\$&")
    ).join("");
  });
  return "/" + parts.join("/");
}

/**
 * The directory a route, layout or middleware file belongs to, as Fresh
 * names it ("/", "/blog", "/(admin)/users"): `index`, `_layout` and
 * `_middleware` stand for their directory.
 */
export function baseRoute(file: string): string {
  const trimmed = file.replace(/(^|\/)(index|_layout|_middleware)$/, "")
    .replace(/\/+$/, "");
  return "/" + trimmed.replace(/^\/+/, "");
}

/** True when a layout or middleware of directory `base` applies to a file of `fileBase`. */
export function appliesTo(base: string, fileBase: string): boolean {
  return fileBase === base ||
    fileBase.startsWith(base === "/" ? base : base + "/");
}

/** A pathname as a request URL carries it (non-Latin letters percent-encoded). */
export function encodePathname(path: string): string {
  return new URL(path, "http://x").pathname;
}

/** Prefixes `router.basePath` (and appends "/" under `trailingSlash`). */
export function withRouterOptions(
  pattern: string,
  basePath: string,
  trailingSlash: boolean,
): string {
  let out = basePath + (pattern === "/" && basePath ? "" : pattern);
  if (trailingSlash && !out.endsWith("/")) out += "/";
  return out || "/";
}

/** True for a pattern that matches one path only, itself. */
export function isExactPattern(pattern: string): boolean {
  return !/[:*?+(){}\\]/.test(pattern);
}

function segmentRank(segment: string): number {
  if (/^:\w+\*$/.test(segment)) return 3;
  if (/^:\w+\?$/.test(segment)) return 2;
  return /(^|[^\\]):\w/.test(segment) ? 1 : 0;
}

/**
 * Orders patterns so that the first match is the most specific: segment by
 * segment, static before dynamic before optional before catch-all.
 */
export function compareRoutePatterns(a: string, b: string): number {
  const as = a.split("/");
  const bs = b.split("/");
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const diff = segmentRank(as[i]) - segmentRank(bs[i]);
    if (diff !== 0) return diff;
  }
  if (as.length !== bs.length) return as.length - bs.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
