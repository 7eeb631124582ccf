/**
 * The security headers of every answer: a Content-Security-Policy, no MIME
 * sniffing, no referrer for other sites, and no framing by other sites
 * unless FRAME_ANCESTORS allows it.
 */
import { fixedCopy, fixedFor } from "$fresh/server.ts";

/** Headers every answer carries, page or not. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  // Full referrer within the site, none to others: no other site learns the
  // page's address, and the page's own POSTs keep a real Origin header
  // (with no-referrer, browsers send `Origin: null` on them).
  "referrer-policy": "same-origin",
};

/** `sha256-…` sources of the inline scripts and styles of one page. */
export interface InlineHashes {
  scripts: string[];
  /** `<style>` elements. */
  styles: string[];
  /** `style="…"` attributes (the framework wraps each island in one). */
  styleAttributes: string[];
}

/**
 * The CSP of a page: its own scripts and styles from this origin, the inline
 * ones it was rendered with (the island hydration script, the styles twind
 * and `_app` write, the style attributes) by hash, pictures from here or
 * `data:` (the favicon), nothing else, and framed only by `frameAncestors`.
 */
export function pagePolicy(
  frameAncestors: string,
  inline: InlineHashes,
): string {
  const quoted = (hashes: string[]) => hashes.map((h) => ` '${h}'`).join("");
  // Browsers without style-src-attr fall back to style-src, which refuses
  // attributes: the page then only loses `display: contents`.
  const attributes = inline.styleAttributes.length === 0
    ? []
    : [`style-src-attr 'unsafe-hashes'${quoted(inline.styleAttributes)}`];
  return [
    "default-src 'self'",
    `script-src 'self'${quoted(inline.scripts)}`,
    `style-src 'self'${quoted(inline.styles)}`,
    ...attributes,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join("; ");
}

/**
 * The CSP of everything that is not a page (JSON, scripts, static files):
 * opened on its own it may load and run nothing.
 */
export function resourcePolicy(frameAncestors: string): string {
  return `default-src 'none'; frame-ancestors ${frameAncestors}`;
}

/**
 * `X-Frame-Options` for browsers that predate `frame-ancestors`: DENY or
 * SAMEORIGIN when it can say the same; undefined for a list of origins,
 * which it cannot express (browsers that know CSP follow frame-ancestors).
 */
export function frameOptions(frameAncestors: string): string | undefined {
  if (frameAncestors === "'none'") return "DENY";
  if (frameAncestors === "'self'") return "SAMEORIGIN";
  return undefined;
}

const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const INLINE_STYLE = /<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi;
const STYLE_ATTRIBUTE = /<[a-z][^>]*?\sstyle="([^"]*)"/gi;
const ENTITIES: Record<string, string> = {
  amp: "&",
  quot: '"',
  lt: "<",
  gt: ">",
  apos: "'",
};

/** An attribute's value as the browser reads it (the entities Preact writes). */
function decodeAttribute(text: string): string {
  return text.replace(
    /&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));/gi,
    (entity, decimal, hex, name) =>
      decimal
        ? String.fromCodePoint(Number(decimal))
        : hex
        ? String.fromCodePoint(parseInt(hex, 16))
        : ENTITIES[name.toLowerCase()] ?? entity,
  );
}

/** The `sha256-…` sources of the inline scripts, `<style>` elements and style attributes of `html`. */
export async function inlineHashes(html: string): Promise<InlineHashes> {
  const scripts = [...html.matchAll(INLINE_SCRIPT)]
    .filter(([, attributes]) => runsInline(attributes))
    .map(([, , body]) => body);
  const styles = [...html.matchAll(INLINE_STYLE)].map(([, body]) => body);
  const attributes = [...html.matchAll(STYLE_ATTRIBUTE)]
    .map(([, value]) => decodeAttribute(value));
  return {
    scripts: await Promise.all(unique(scripts).map(sha256Source)),
    styles: await Promise.all(unique(styles).map(sha256Source)),
    styleAttributes: await Promise.all(unique(attributes).map(sha256Source)),
  };
}

/** True for an inline script the browser runs (not a `src` one, not a data block). */
function runsInline(attributes: string): boolean {
  if (/\bsrc\s*=/i.test(attributes)) return false;
  const type = attributes.match(/\btype\s*=\s*"([^"]*)"/i)?.[1].trim() ?? "";
  return type === "" || type === "module" ||
    /javascript|ecmascript/i.test(type);
}

function unique(texts: string[]): string[] {
  return [...new Set(texts)];
}

async function sha256Source(text: string): Promise<string> {
  // The HTML parser turns CR LF into LF before the browser hashes the text.
  const bytes = new TextEncoder().encode(text.replace(/\r\n?/g, "\n"));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return `sha256-${btoa(String.fromCharCode(...digest))}`;
}

function isPage(response: Response): boolean {
  const type = response.headers.get("content-type") ?? "";
  // `body` is read last: reading it turns a text body into a stream, which
  // the server then sends chunked instead of with its length.
  return /^text\/html\b/i.test(type) &&
    !response.headers.has("content-encoding") && response.body !== null;
}

/**
 * Sets `wanted` on `response`, or on a copy of it when its headers are
 * read-only (a redirect's, a fetch()'s, a fixed answer shared by many
 * requests, whose body must be left for the others).
 */
function withHeaders(
  response: Response,
  wanted: readonly (readonly [string, string])[],
): Response {
  if (wanted.length === 0) return response;
  try {
    setAll(response.headers, wanted);
    return response;
  } catch {
    let copy: Response;
    try {
      copy = fixedCopy(response);
    } catch {
      copy = new Response(response.body, response);
    }
    setAll(copy.headers, wanted);
    return copy;
  }
}

function setAll(
  headers: Headers,
  wanted: readonly (readonly [string, string])[],
): void {
  for (const [name, value] of wanted) headers.set(name, value);
}

/** Those of `wanted` that `headers` lacks. */
function missing(
  headers: Headers,
  wanted: Iterable<readonly [string, string]>,
): [string, string][] {
  const absent: [string, string][] = [];
  for (const [name, value] of wanted) {
    if (!headers.has(name)) absent.push([name, value]);
  }
  return absent;
}

// Every answer that is not a page gets the same headers for a given
// frame-ancestors: worked out once, not per answer.
const resourceHeaderCache = new Map<string, [string, string][]>();

/** The security headers of an answer that is not a page. */
function resourceHeaders(frameAncestors: string): [string, string][] {
  let headers = resourceHeaderCache.get(frameAncestors);
  if (headers === undefined) {
    headers = Object.entries({
      ...COMMON_HEADERS,
      ...framingHeaders(frameAncestors),
      "content-security-policy": resourcePolicy(frameAncestors),
    });
    resourceHeaderCache.set(frameAncestors, headers);
  }
  return headers;
}

function framingHeaders(frameAncestors: string): Record<string, string> {
  const options = frameOptions(frameAncestors);
  return options === undefined ? {} : { "x-frame-options": options };
}

// Answers already given their headers (for a frame-ancestors value), and
// copies of them: one change copied to thousands of held polls is checked
// once, not once per poll.
const secured = new WeakMap<Response, string>();

/**
 * Adds the security headers of an answer that is not a page (JSON, a
 * script, a file) to `response`, keeping any it already has.
 */
export function withResourceHeaders(
  response: Response,
  frameAncestors: string,
): Response {
  if (secured.get(response) === frameAncestors) return response;
  const answer = withHeaders(
    response,
    missing(response.headers, resourceHeaders(frameAncestors)),
  );
  secured.set(answer, frameAncestors);
  return answer;
}

/**
 * A fixed answer that {@link withResourceHeaders} completed, for `request`
 * (see `fixedFor`): the answer itself or a copy, known either way to carry
 * its headers, and not checked again.
 */
export function securedFor(answer: Response, request: Request): Response {
  const given = fixedFor(answer, request);
  const frameAncestors = secured.get(answer);
  if (frameAncestors !== undefined) secured.set(given, frameAncestors);
  return given;
}

/**
 * Adds the security headers to `response`, keeping any it already has. A
 * page (HTML) is read once to hash its inline scripts and styles; anything
 * else is not read, so a held poll or a file streams through untouched.
 *
 * @example
 * ```ts
 * export const handler = (req: Request, ctx: FreshContext) =>
 *   ctx.next().then((response) => withSecurityHeaders(response, "'none'"));
 * ```
 */
export function withSecurityHeaders(
  response: Response,
  frameAncestors: string,
): Response | Promise<Response> {
  if (secured.get(response) === frameAncestors) return response;
  if (!isPage(response)) return withResourceHeaders(response, frameAncestors);
  return response.text().then(async (html) => {
    const headers = new Headers(response.headers);
    const wanted = missing(
      headers,
      Object.entries({
        ...COMMON_HEADERS,
        ...framingHeaders(frameAncestors),
        "content-security-policy": pagePolicy(
          frameAncestors,
          await inlineHashes(html),
        ),
      }),
    );
    setAll(headers, wanted);
    const { status, statusText } = response;
    return new Response(html, { status, statusText, headers });
  });
}
