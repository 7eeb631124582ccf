/**
 * The `Request` the guarded server hands to the app: an ordinary `Request`
 * whose `signal` aborts when the client leaves before its answer.
 *
 * Giving `new Request()` a signal makes it follow that signal through a
 * dependent signal held by weak references, which on Deno 2.9 costs more
 * than the rest of the request put together (see docs/performance.md). Most
 * requests never look at their signal, so this one is made on first use.
 */
export class ConnectionRequest extends Request {
  #aborter: AbortController | undefined;
  #left = false;

  /** Aborted once the client has gone (see {@link ConnectionRequest.clientLeft}). */
  override get signal(): AbortSignal {
    if (this.#aborter === undefined) {
      this.#aborter = new AbortController();
      if (this.#left) this.#aborter.abort();
    }
    return this.#aborter.signal;
  }

  /** True once the client has gone. */
  get left(): boolean {
    return this.#left;
  }

  /** The client closed its side before the answer: abort the signal. */
  clientLeft(): void {
    this.#left = true;
    this.#aborter?.abort();
  }
}
