/**
 * Responses whose whole body is known when they are made: JSON answers, small
 * texts. They are ordinary `Response`s to everyone (a middleware, `Deno.serve`,
 * a test); the framework's own server also remembers their bytes, and writes
 * them with their length instead of reading the body back through a stream.
 * A response and its copies with unchanged headers share what the server
 * prepared to send them: one update to thousands of held polls is written
 * as the same bytes to every socket.
 */

import { ConnectionRequest } from "./http1_request.ts";

/**
 * What a fixed response shares with its copies whose headers are the same:
 * its body, and a slot where the server keeps what it made from them.
 */
export interface FixedAnswer {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The server's own: the head it wrote, cached. */
  wire?: unknown;
}

const answers = new WeakMap<Response, FixedAnswer>();
/** Headers changed since their response joined its FixedAnswer. */
const changed = new WeakSet<Headers>();

/**
 * The headers of a fixed response note any change, so that the response
 * leaves the answer it shares with its copies before the server writes it.
 * Reading them costs nothing more.
 */
class WatchedHeaders extends Headers {
  override set(name: string, value: string): void {
    super.set(name, value);
    changed.add(this);
  }
  override append(name: string, value: string): void {
    super.append(name, value);
    changed.add(this);
  }
  override delete(name: string): void {
    super.delete(name);
    changed.add(this);
  }
}

/**
 * The headers of a fixed response that answers many requests at once:
 * read-only, as those of a response from `fetch()` are, since a change
 * would reach every request it answers.
 */
class SharedHeaders extends Headers {
  override set(): void {
    throw sharedHeadersError();
  }
  override append(): void {
    throw sharedHeadersError();
  }
  override delete(): void {
    throw sharedHeadersError();
  }
}

function sharedHeadersError(): TypeError {
  return new TypeError(
    "Headers are immutable: this response answers many requests; change a fixedCopy() of it instead",
  );
}

function watch(response: Response, answer: FixedAnswer): void {
  Object.setPrototypeOf(response.headers, WatchedHeaders.prototype);
  answers.set(response, answer);
}

/** The answer `response` shares with the responses whose headers are its own. */
function currentAnswer(response: Response): FixedAnswer | undefined {
  let answer = answers.get(response);
  if (answer !== undefined && changed.has(response.headers)) {
    changed.delete(response.headers);
    answer = { bytes: answer.bytes };
    answers.set(response, answer);
  }
  return answer;
}

const encoder = new TextEncoder();

// The same text answered many times in a row (one update to thousands of
// held polls, a hot read) is encoded once.
let lastText = "";
let lastBytes = new Uint8Array(0);

function encoded(text: string): Uint8Array<ArrayBuffer> {
  if (text !== lastText) {
    lastBytes = encoder.encode(text);
    lastText = text;
  }
  return lastBytes;
}

/** Header fields as a record or as name/value pairs. */
export type FixedHeaders = Record<string, string> | [string, string][];

/**
 * A response of `status` with `body` (a string is sent as UTF-8) and
 * `headers`.
 *
 * @example
 * ```ts
 * fixedResponse(200, '{"ok":true}', { "content-type": "application/json" });
 * ```
 */
export function fixedResponse(
  status: number,
  body: string | Uint8Array<ArrayBuffer> | null,
  headers: FixedHeaders = {},
): Response {
  const bytes = typeof body === "string" ? encoded(body) : body;
  // Headers are set after construction on purpose: given to the constructor,
  // Deno 2.9 also builds a native copy of them for Deno.serve, which costs
  // several times what setting them does (see docs/performance.md).
  const response = new Response(bytes, { status });
  const fields = response.headers;
  if (typeof body === "string") {
    fields.set("content-type", "text/plain;charset=UTF-8");
  }
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [name, value] of pairs) fields.set(name, value);
  if (bytes !== null) watch(response, { bytes });
  return response;
}

/**
 * A copy of a fixed response, for answering many requests with the same
 * answer (one change, thousands of held polls): copying one is several times
 * cheaper than making one, headers included. Changing the copy's headers
 * leaves the original alone.
 */
export function fixedCopy(response: Response): Response {
  const answer = fixedAnswer(response);
  if (answer === undefined) {
    throw new TypeError(
      "fixedCopy: not a fixed response, or its body was read",
    );
  }
  const copy = response.clone();
  watch(copy, answer);
  return copy;
}

/**
 * The fixed response to answer `request` with. The framework's own server
 * writes a fixed response's bytes and never reads its body, so a request
 * it serves gets `response` itself, which then answers many requests and
 * keeps its headers read-only; any other (`Deno.serve` reads the body)
 * gets a {@link fixedCopy}. One update to thousands of held polls then
 * makes no response per poll.
 */
export function fixedFor(response: Response, request: Request): Response {
  if (!(request instanceof ConnectionRequest)) return fixedCopy(response);
  if (fixedAnswer(response) === undefined) {
    throw new TypeError("fixedFor: not a fixed response, or its body was read");
  }
  if (!(response.headers instanceof SharedHeaders)) {
    Object.setPrototypeOf(response.headers, SharedHeaders.prototype);
  }
  return response;
}

/**
 * What `response` shares with every fixed response made or copied with the
 * same headers (its bytes among them), while its body is unread; undefined
 * for any other response. For the server: what it keeps in `wire` is valid
 * for all of them.
 */
export function fixedAnswer(response: Response): FixedAnswer | undefined {
  return response.bodyUsed ? undefined : currentAnswer(response);
}
