/**
 * Writing an HTTP/1.1 response head, and the server's own answers (the
 * refusals it sends before any handler runs). Pure: strings and bytes.
 */

const REASONS: Record<number, string> = {
  100: "Continue",
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  206: "Partial Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  411: "Length Required",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  499: "Client Closed Request",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
};

/** How the body of a response is delimited on the wire. */
export type Framing =
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  /** No body follows (HEAD, 204, 304); the handler's Content-Length is kept. */
  | { kind: "none" };

// Framing and connection headers are the server's to write: a handler's
// would contradict what is actually sent.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
]);

/** True when a status never has a body (RFC 9110, 6.4.1). */
export function statusHasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/**
 * The status line and header lines of a response, ending with the empty
 * line. `connection` says `close` (the server closes after it),
 * `keep-alive` (said to an HTTP/1.0 client that may keep the connection)
 * or nothing (`default`, HTTP/1.1's keep-alive).
 */
export function responseHead(
  status: number,
  headers: Headers,
  framing: Framing,
  date: string,
  connection: "close" | "keep-alive" | "default",
): string {
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? "Unknown"}\r\n`;
  let length: string | null = null;
  headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) head += `${name}: ${value}\r\n`;
    else if (name === "content-length") length = value;
  });
  if (framing.kind === "length") {
    head += `content-length: ${framing.length}\r\n`;
  } else if (framing.kind === "chunked") {
    head += "transfer-encoding: chunked\r\n";
  } else if (length !== null && !statusHasNoBody(status)) {
    head += `content-length: ${length}\r\n`;
  }
  if (connection === "close") head += "connection: close\r\n";
  else if (connection === "keep-alive") head += "connection: keep-alive\r\n";
  return `${head}date: ${date}\r\n\r\n`;
}

/** True when a handler's response asks to close the connection after it. */
export function asksToClose(headers: Headers): boolean {
  const value = headers.get("connection");
  return value !== null && /(^|,)\s*close\s*(,|$)/i.test(value);
}

const encoder = new TextEncoder();

/**
 * A whole response the server sends itself: `{"error": message}` as JSON,
 * then the connection closes. `retryAfter` (seconds) is for 503s.
 */
export function serverAnswer(
  status: number,
  message: string,
  date: string,
  retryAfter?: number,
): Uint8Array {
  const body = JSON.stringify({ error: message });
  const headers = new Headers({
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  if (retryAfter !== undefined) headers.set("retry-after", String(retryAfter));
  const head = responseHead(
    status,
    headers,
    { kind: "length", length: encoder.encode(body).length },
    date,
    "close",
  );
  return encoder.encode(head + body);
}
