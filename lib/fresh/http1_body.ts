/**
 * A request body as a `ReadableStream`, read from the connection only as
 * the handler pulls it: `Content-Length` bytes, or chunks
 * (`Transfer-Encoding: chunked`).
 */

/** The bytes of a connection, buffered. */
export interface ByteSource {
  /** The bytes received and not yet consumed. */
  buffered(): Uint8Array;
  /** Marks the first `n` buffered bytes as consumed. */
  consume(n: number): void;
  /** Waits for more bytes; false once the client has closed or failed. */
  fill(): Promise<boolean>;
}

/** What the server learns as the body is read. */
export interface BodyHooks {
  /** Before the first read (to send `100 Continue`). */
  start(): Promise<void>;
  /** True while waiting for the client's bytes, false once they came. */
  waiting(on: boolean): void;
  /** The whole body was read: the connection may carry another request. */
  done(): void;
}

/** How the body is delimited. */
export type BodyFraming = { length: number } | { chunked: true };

/** Longest chunk-size or trailer line. */
const MAX_LINE = 4096;

class BodyError extends Error {
  override name = "BodyError";
}

/** The request body `framing` describes, read from `source` as it is pulled. */
export function requestBody(
  source: ByteSource,
  framing: BodyFraming,
  hooks: BodyHooks,
): ReadableStream<Uint8Array> {
  let started = false;
  // Bytes left in the body (length) or in the current chunk (chunked).
  let remaining = "length" in framing ? framing.length : 0;
  let needsLineEnd = false;

  const more = async (): Promise<void> => {
    hooks.waiting(true);
    const ok = await source.fill();
    hooks.waiting(false);
    if (!ok) {
      throw new BodyError(
        "the connection closed before the request body was complete",
      );
    }
  };

  const line = async (): Promise<string> => {
    for (;;) {
      const bytes = source.buffered();
      const lf = bytes.indexOf(10);
      if (lf >= 0) {
        const text = String.fromCharCode(...bytes.subarray(0, lf));
        source.consume(lf + 1);
        return text.endsWith("\r") ? text.slice(0, -1) : text;
      }
      if (bytes.length > MAX_LINE) {
        throw new BodyError(
          "a chunk-size line of the request body is too long",
        );
      }
      await more();
    }
  };

  // Moves to the next chunk; false after the last one (and its trailers).
  const nextChunk = async (): Promise<boolean> => {
    if (needsLineEnd && (await line()) !== "") {
      throw new BodyError(
        "a chunk of the request body is longer than announced",
      );
    }
    const size = (await line()).split(";")[0].trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(size)) {
      throw new BodyError(
        `bad chunk size ${JSON.stringify(size.slice(0, 20))}`,
      );
    }
    remaining = parseInt(size, 16);
    needsLineEnd = true;
    if (remaining > 0) return true;
    // Trailer fields, up to the empty line: read and dropped.
    while ((await line()) !== "");
    return false;
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          await hooks.start();
        }
        if (remaining === 0) {
          if (!("chunked" in framing) || !(await nextChunk())) {
            controller.close();
            hooks.done();
            return;
          }
        }
        if (source.buffered().length === 0) await more();
        const bytes = source.buffered();
        const n = Math.min(bytes.length, remaining);
        controller.enqueue(bytes.slice(0, n));
        source.consume(n);
        remaining -= n;
        if (remaining === 0 && !("chunked" in framing)) {
          controller.close();
          hooks.done();
        }
      } catch (error) {
        controller.error(error);
      }
    },
  });
}
