import { parseResponse, type WireResponse } from "./http_wire.ts";
import { wallNow } from "./clock.ts";

/** A response together with the wall-clock time its last byte was read. */
export interface TimedResponse extends WireResponse {
  /** Absolute ms (see `wallNow`) when the response became complete. */
  at: number;
}

/** One raw keep-alive HTTP/1.1 connection: write a request, read one answer. */
export class WireConnection {
  #conn: Deno.TcpConn;
  #buffer = new Uint8Array(2048);
  #filled = 0;
  #closed = false;
  #answerStarted = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects to a loopback port; rejects on refusal or when `signal` aborts first. */
  static async open(
    port: number,
    signal?: AbortSignal,
    hostname = "127.0.0.1",
  ): Promise<WireConnection> {
    const conn = await Deno.connect({ hostname, port, signal });
    return new WireConnection(conn);
  }

  /** Writes all of `bytes`. */
  async write(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      written += await this.#conn.write(bytes.subarray(written));
    }
  }

  /** Reads the next complete response; rejects when the peer closes first. */
  async read(): Promise<TimedResponse> {
    for (;;) {
      const view = this.#buffer.subarray(0, this.#filled);
      const response = this.#filled > 0 ? parseResponse(view) : null;
      if (response) {
        const at = wallNow();
        this.#buffer.copyWithin(0, response.size, this.#filled);
        this.#filled -= response.size;
        const { status, head, body, size } = response;
        return { status, head, body, size, at };
      }
      if (this.#filled === this.#buffer.length) {
        const bigger = new Uint8Array(this.#buffer.length * 2);
        bigger.set(this.#buffer);
        this.#buffer = bigger;
      }
      const n = await this.#conn.read(this.#buffer.subarray(this.#filled));
      if (n === null) {
        const last = parseResponse(view, true);
        if (last) {
          const { status, head, body, size } = last;
          return { status, head, body, size, at: wallNow() };
        }
        throw new Error("closed");
      }
      this.#filled += n;
      this.#answerStarted = true;
    }
  }

  /** Sends a request and reads its answer. */
  async exchange(bytes: Uint8Array): Promise<TimedResponse> {
    this.#answerStarted = false;
    await this.write(bytes);
    return await this.read();
  }

  /**
   * True when the last exchange failed before a byte of its answer came:
   * the server had closed the connection, and the request may go again.
   */
  idleClosed(): boolean {
    return !this.#answerStarted;
  }

  /** Closes the socket; safe to call twice or while a read is pending. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the runtime after an error.
    }
  }
}
