import { join } from "node:path";
import { listFiles } from "./walk.ts";

const TEXT = "; charset=utf-8";
const CONTENT_TYPES: Record<string, string> = {
  html: "text/html" + TEXT,
  css: "text/css" + TEXT,
  js: "text/javascript" + TEXT,
  json: "application/json" + TEXT,
  webmanifest: "application/manifest+json" + TEXT,
  txt: "text/plain" + TEXT,
  xml: "application/xml" + TEXT,
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  ico: "image/x-icon",
  woff2: "font/woff2",
};

/** The Content-Type for a file name, by extension. */
export function contentType(name: string): string {
  const ext = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

/**
 * Maps each URL path ("/logo.svg") to its file under `dir`. Listed once, so
 * a request can only reach a file that was there at start.
 */
export async function listStaticFiles(
  dir: string,
): Promise<Map<string, string>> {
  const files = await listFiles(dir);
  return new Map(files.map((f) => [`/${f}`, join(dir, f)]));
}

async function etagOf(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes));
  return `"${
    Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")
  }"`;
}

/** True when an If-None-Match header lists `etag` (or is "*"). */
export function etagMatches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

/**
 * Answers with the file, its content type and a content-hash ETag (304 when
 * the client has it); a URL carrying the current build id in `__frsh_c` is
 * cacheable for a year.
 */
export async function serveStaticFile(
  req: Request,
  file: string,
  buildId: string,
): Promise<Response> {
  return serveBytes(req, await Deno.readFile(file), contentType(file), buildId);
}

/** Answers with `bytes` as {@link serveStaticFile} answers with a file. */
export async function serveBytes(
  req: Request,
  bytes: Uint8Array<ArrayBuffer>,
  type: string,
  buildId: string,
): Promise<Response> {
  const etag = await etagOf(bytes);
  const url = new URL(req.url);
  const headers = new Headers({
    "content-type": type,
    etag,
    vary: "If-None-Match",
    "cache-control": url.searchParams.get("__frsh_c") === buildId
      ? "public, max-age=31536000, immutable"
      : "no-cache",
  });
  if (etagMatches(req.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(req.method === "HEAD" ? null : bytes, { headers });
}
