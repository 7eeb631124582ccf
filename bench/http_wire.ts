/**
 * The few HTTP/1.1 bytes the load client speaks: request builders and an
 * incremental response parser (Content-Length or chunked). Hand-written
 * because `fetch` pools and buffers connections, and the benchmark must
 * control one socket per client and time the last byte of each answer.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A complete response read off the wire. */
export interface WireResponse {
  status: number;
  /** The head (status line and headers), lower-cased. */
  head: string;
  body: Uint8Array;
  /** Bytes of the buffer this response used (head, body and framing). */
  size: number;
}

/** The bytes of a `GET` for `target` (path and query) on a keep-alive connection. */
export function getRequest(host: string, target: string): Uint8Array {
  return encoder.encode(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
}

/** The path and query of a poll that the server holds while `lastVersion` is current. */
export function pollTarget(lastVersion: number, epoch: string): string {
  return `/poll-status?last_version=${lastVersion}&epoch=${
    encodeURIComponent(epoch)
  }`;
}

/** The bytes of a `POST` of a JSON body. */
export function postJsonRequest(
  host: string,
  target: string,
  body: unknown,
): Uint8Array {
  const payload = encoder.encode(JSON.stringify(body));
  const head = encoder.encode(
    `POST ${target} HTTP/1.1\r\nHost: ${host}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`,
  );
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

/** Index of the first CR LF (or CR LF CR LF when `double`) at or after `from`. */
function indexOfCrlf(data: Uint8Array, from: number, double: boolean): number {
  for (let i = data.indexOf(13, from); i >= 0; i = data.indexOf(13, i + 1)) {
    if (data[i + 1] !== 10) continue;
    if (!double) return i;
    if (data[i + 2] === 13 && data[i + 3] === 10) return i;
  }
  return -1;
}

/** The value of header `name` (lower-case) in a response head, or `undefined`. */
export function header(head: string, name: string): string | undefined {
  const at = head.indexOf(`\r\n${name}:`);
  if (at < 0) return undefined;
  const start = at + name.length + 3;
  const end = head.indexOf("\r\n", start);
  return head.slice(start, end < 0 ? undefined : end).trim();
}

/** Thrown when the bytes cannot be an HTTP/1.1 response. */
export class WireError extends Error {}

/**
 * Parses one response from the start of `data`; `null` while it is still
 * incomplete. `ended` says the peer closed, which completes a body framed by
 * the end of the connection. Reads only the framing headers: the client
 * must stay far cheaper than the servers it measures.
 */
export function parseResponse(
  data: Uint8Array,
  ended = false,
): WireResponse | null {
  const headEnd = indexOfCrlf(data, 0, true);
  if (headEnd < 0) {
    if (ended) throw new WireError("connection closed before a full head");
    return null;
  }
  const head = decoder.decode(data.subarray(0, headEnd + 2)).toLowerCase();
  if (!head.startsWith("http/1.")) {
    throw new WireError(`bad status line: ${head.slice(0, 40)}`);
  }
  const status = (data[9] - 48) * 100 + (data[10] - 48) * 10 + data[11] - 48;
  if (!(status >= 100 && status <= 599)) {
    throw new WireError(`bad status line: ${head.slice(0, 40)}`);
  }
  const bodyStart = headEnd + 4;
  if (status === 204 || status === 304 || status < 200) {
    return { status, head, body: new Uint8Array(0), size: bodyStart };
  }
  if (header(head, "transfer-encoding")?.includes("chunked")) {
    return parseChunked(data, bodyStart, status, head, ended);
  }
  const length = header(head, "content-length");
  if (length !== undefined) {
    const end = bodyStart + Number(length);
    if (data.length < end) {
      if (ended) throw new WireError("connection closed inside the body");
      return null;
    }
    return { status, head, body: data.slice(bodyStart, end), size: end };
  }
  if (!ended) return null;
  return { status, head, body: data.slice(bodyStart), size: data.length };
}

function parseChunked(
  data: Uint8Array,
  start: number,
  status: number,
  head: string,
  ended: boolean,
): WireResponse | null {
  const parts: Uint8Array[] = [];
  let at = start;
  for (;;) {
    const lineEnd = indexOfCrlf(data, at, false);
    if (lineEnd < 0) break;
    const size = parseInt(decoder.decode(data.subarray(at, lineEnd)), 16);
    if (Number.isNaN(size)) throw new WireError("bad chunk size");
    if (size === 0) {
      // No trailers are expected; the body ends with an empty line.
      const trailerEnd = indexOfCrlf(data, lineEnd + 2, false);
      if (trailerEnd < 0) break;
      return {
        status,
        head,
        body: concat(parts),
        size: trailerEnd + 2,
      };
    }
    const chunkEnd = lineEnd + 2 + size;
    if (data.length < chunkEnd + 2) break;
    parts.push(data.subarray(lineEnd + 2, chunkEnd));
    at = chunkEnd + 2;
  }
  if (ended) throw new WireError("connection closed inside a chunked body");
  return null;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The body decoded as JSON, or `undefined` when it is not JSON. */
export function jsonBody(response: WireResponse): unknown {
  try {
    return JSON.parse(decoder.decode(response.body));
  } catch {
    return undefined;
  }
}
