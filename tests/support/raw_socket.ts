/**
 * A client socket that does what `fetch` never does: sends a request byte
 * by byte, sends nothing at all, or watches when the server closes.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A raw TCP connection to a test server, and what it has read. */
export class RawSocket {
  #text = "";
  #closedAt: number | undefined;
  #reading: Promise<void>;
  readonly openedAt = performance.now();

  private constructor(readonly conn: Deno.TcpConn) {
    this.#reading = this.#readAll();
  }

  /** Connects to `port` on 127.0.0.1. */
  static async open(port: number, hostname = "127.0.0.1"): Promise<RawSocket> {
    return new RawSocket(await Deno.connect({ hostname, port }));
  }

  async #readAll(): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await this.conn.read(buffer);
        if (n === null) break;
        this.#text += decoder.decode(buffer.subarray(0, n), { stream: true });
      }
    } catch {
      // Reset by the server: closed all the same.
    }
    this.#closedAt = performance.now();
  }

  /** Everything the server sent so far. */
  get text(): string {
    return this.#text;
  }

  /** True once the server has closed the connection. */
  get closed(): boolean {
    return this.#closedAt !== undefined;
  }

  /** Milliseconds from opening to the server's close, or undefined while open. */
  get openFor(): number | undefined {
    return this.#closedAt === undefined
      ? undefined
      : this.#closedAt - this.openedAt;
  }

  /** Writes `text`; false if the server has closed the connection. */
  async send(text: string | Uint8Array): Promise<boolean> {
    try {
      const bytes = typeof text === "string" ? encoder.encode(text) : text;
      let offset = 0;
      while (offset < bytes.length) {
        offset += await this.conn.write(bytes.subarray(offset));
      }
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Sends `text` one byte every `everyMs` until done or the server closes;
   * resolves with the bytes sent.
   */
  async trickle(text: string, everyMs: number): Promise<number> {
    const bytes = encoder.encode(text);
    for (let i = 0; i < bytes.length; i++) {
      if (this.closed || !(await this.send(bytes.subarray(i, i + 1)))) return i;
      await new Promise((r) => setTimeout(r, everyMs));
    }
    return bytes.length;
  }

  /** Waits until the server closes, failing after `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `the server kept the connection open for ${timeoutMs} ms; it sent ${
                JSON.stringify(this.#text.slice(0, 200))
              }`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.#reading, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until a whole response (head and Content-Length body) has arrived. */
  async response(timeoutMs = 5_000): Promise<RawAnswer> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const answer = parseAnswer(this.#text);
      if (answer) return answer;
      if (this.closed || performance.now() > deadline) {
        throw new Error(
          `no whole response; got ${JSON.stringify(this.#text.slice(0, 300))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Forgets what was read (before the next request on the connection). */
  clear(): void {
    this.#text = "";
  }

  /** Closes the client side and waits for the reader to finish. */
  async close(): Promise<void> {
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
    await this.#reading;
  }
}

/** The parts of a response a test looks at. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/** Parses the first whole response in `text` (Content-Length framing). */
export function parseAnswer(text: string): RawAnswer | undefined {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const length = Number(headers.get("content-length") ?? "0");
  const rest = encoder.encode(text.slice(end + 4));
  if (rest.length < length) return undefined;
  return {
    status: Number(statusLine.split(" ")[1]),
    headers,
    body: decoder.decode(rest.subarray(0, length)),
  };
}
