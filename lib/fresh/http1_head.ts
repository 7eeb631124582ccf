/**
 * Reading an HTTP/1.x request head (RFC 9112) from the bytes of a
 * connection: where it ends, whether it is already too large, and what it
 * says. Pure: no sockets, so every refusal is tested byte for byte.
 */

/** What the head of a request says, as far as the server needs it. */
export interface RequestHead {
  method: string;
  /** The request-target as sent: a path with its query, or an absolute URL. */
  target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: 0 | 1;
  /** Every header line in order, names lower-cased. */
  headers: [string, string][];
  host: string | undefined;
  /** Body bytes announced by Content-Length; undefined without one. */
  contentLength: number | undefined;
  /** The body comes in chunks (Transfer-Encoding: chunked). */
  chunked: boolean;
  /** The client keeps the connection open after the answer. */
  keepAlive: boolean;
  /** The client waits for `100 Continue` before it sends its body. */
  expectContinue: boolean;
  /**
   * No header that may change the answer to the same URL: no condition
   * (`If-…`), no `Range`, no credentials (`Authorization`, `Cookie`).
   */
  plain: boolean;
}

/** Headers after which the same URL may deserve another answer. */
const PERSONAL = new Set([
  "if-none-match",
  "if-modified-since",
  "if-match",
  "if-unmodified-since",
  "if-range",
  "range",
  "authorization",
  "cookie",
]);

/** Sizes past which a head is refused. */
export interface HeadLimits {
  /** The whole head, request line included (past it: 431). */
  maxHeadBytes: number;
  /** The request line (past it: 414). */
  maxUriBytes: number;
}

/** Why a head is refused: the status to answer and the reason, for the client. */
export interface HeadRefusal {
  status: 400 | 414 | 431 | 501 | 505;
  error: string;
}

/** A head read, or why it is refused. */
export type HeadParse =
  | { ok: true; head: RequestHead }
  | ({ ok: false } & HeadRefusal);

const CR = 13;
const LF = 10;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII only: a browser percent-encodes everything else.
const TARGET = /^[\x21-\x7e]+$/;
const VERSION = /^HTTP\/(\d)\.(\d)$/;

/**
 * The index just past the empty line that ends a head in `buf[0..to)`, or
 * -1 while it has not arrived. `from` is where the previous search stopped.
 */
export function findHeadEnd(buf: Uint8Array, from: number, to: number): number {
  for (let i = Math.max(from, 1); i < to; i++) {
    if (buf[i] !== LF) continue;
    // An empty line: LF LF, or LF CR LF (lines may end in a bare LF).
    if (
      buf[i - 1] === LF || (buf[i - 1] === CR && i >= 2 && buf[i - 2] === LF)
    ) {
      return i + 1;
    }
  }
  return -1;
}

/**
 * While a head is still incomplete after `length` bytes: the refusal its
 * size already earns (414 for the request line, 431 for the head), or
 * undefined while it may still fit.
 */
export function oversizedHead(
  buf: Uint8Array,
  length: number,
  limits: HeadLimits,
): HeadRefusal | undefined {
  const lineEnd = buf.subarray(0, length).indexOf(LF);
  const lineLength = lineEnd < 0 ? length : lineEnd;
  if (lineLength > limits.maxUriBytes) return uriTooLong(limits);
  if (length > limits.maxHeadBytes) return headTooLarge(limits);
  return undefined;
}

const uriTooLong = (limits: HeadLimits): HeadRefusal => ({
  status: 414,
  error: `the request line is longer than ${limits.maxUriBytes} bytes`,
});

const headTooLarge = (limits: HeadLimits): HeadRefusal => ({
  status: 431,
  error:
    `the request headers are larger than ${limits.maxHeadBytes} bytes in all`,
});

const bad = (error: string): HeadParse => ({ ok: false, status: 400, error });

/** ISO-8859-1: every byte one character, as HTTP field values are read. */
function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode.apply(
      null,
      bytes.subarray(i, i + 4096) as unknown as number[],
    );
  }
  return text;
}

function tokens(value: string): string[] {
  return value.toLowerCase().split(",").map((t) => t.trim());
}

/** Reads the head in `buf[0..end)` (`end` from {@link findHeadEnd}). */
export function parseHead(
  buf: Uint8Array,
  end: number,
  limits: HeadLimits,
): HeadParse {
  if (end > limits.maxHeadBytes) return { ok: false, ...headTooLarge(limits) };
  const lines = latin1(buf.subarray(0, end)).split("\n");
  let first = 0;
  // A client may send an empty line before a request (RFC 9112, 2.2).
  while (
    first < lines.length && (lines[first] === "" || lines[first] === "\r")
  ) {
    first++;
  }
  const requestLine = (lines[first] ?? "").replace(/\r$/, "");
  if (requestLine.length > limits.maxUriBytes) {
    return { ok: false, ...uriTooLong(limits) };
  }
  const parts = requestLine.split(" ");
  if (parts.length !== 3) {
    return bad("the request line must be: method, target, HTTP version");
  }
  const [method, target, version] = parts;
  const v = VERSION.exec(version);
  if (!TOKEN.test(method) || !v) {
    return bad("the request line must be: method, target, HTTP version");
  }
  if (v[1] !== "1" || (v[2] !== "0" && v[2] !== "1")) {
    return {
      ok: false,
      status: 505,
      error: `HTTP version ${version.slice(5)} is not supported; use 1.1`,
    };
  }
  if (
    !TARGET.test(target) ||
    !(target.startsWith("/") || /^https?:\/\//i.test(target))
  ) {
    return bad("the request target must be a path such as /get-status");
  }
  const minor = v[2] === "1" ? 1 : 0;
  const headers: [string, string][] = [];
  let host: string | undefined;
  let contentLength: number | undefined;
  let transferEncoding: string | undefined;
  let connection = "";
  let expectContinue = false;
  let plain = true;
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i].endsWith("\r") ? lines[i].slice(0, -1) : lines[i];
    if (line === "") break;
    if (line[0] === " " || line[0] === "\t") {
      return bad("folded header lines are not allowed");
    }
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!TOKEN.test(name)) {
      return bad(`malformed header line ${JSON.stringify(line.slice(0, 40))}`);
    }
    const lower = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.push([lower, value]);
    if (PERSONAL.has(lower)) plain = false;
    switch (lower) {
      case "host":
        if (host !== undefined) return bad("more than one Host header");
        host = value;
        break;
      case "content-length": {
        // A list of equal values is one value (RFC 9110, 8.6).
        const values = new Set(value.split(",").map((s) => s.trim()));
        const [only] = values;
        if (values.size !== 1 || !/^\d{1,15}$/.test(only)) {
          return bad(
            `Content-Length must be a number of bytes, got ${
              JSON.stringify(value)
            }`,
          );
        }
        if (contentLength !== undefined && contentLength !== Number(only)) {
          return bad("conflicting Content-Length headers");
        }
        contentLength = Number(only);
        break;
      }
      case "transfer-encoding":
        transferEncoding = transferEncoding === undefined
          ? value
          : `${transferEncoding}, ${value}`;
        break;
      case "connection":
        connection += `,${value}`;
        break;
      case "expect":
        if (value.toLowerCase() === "100-continue") expectContinue = true;
        break;
    }
  }
  if (minor === 1 && host === undefined) {
    return bad("an HTTP/1.1 request must have a Host header");
  }
  let chunked = false;
  if (transferEncoding !== undefined) {
    // Both framings at once is how requests are smuggled past a proxy.
    if (contentLength !== undefined) {
      return bad(
        "a request must not have both Content-Length and Transfer-Encoding",
      );
    }
    const codings = tokens(transferEncoding);
    if (codings.length !== 1 || codings[0] !== "chunked") {
      return {
        ok: false,
        status: 501,
        error: `Transfer-Encoding ${
          JSON.stringify(transferEncoding)
        } is not supported; only chunked`,
      };
    }
    if (minor === 0) return bad("Transfer-Encoding needs HTTP/1.1");
    chunked = true;
  }
  const options = tokens(connection);
  const keepAlive = minor === 1
    ? !options.includes("close")
    : options.includes("keep-alive");
  return {
    ok: true,
    head: {
      method,
      target,
      minor,
      headers,
      host,
      contentLength,
      chunked,
      keepAlive,
      expectContinue,
      plain,
    },
  };
}
