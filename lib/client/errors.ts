/** An answer from the server that is not the success the client asked for. */
export class StatusApiError extends Error {
  /** The HTTP status code of the answer (a 2xx here means its body was not understood). */
  readonly status: number;
  /** The parsed JSON body of the answer, or its text when it was not JSON. */
  readonly body: unknown;
  /** The delay the server asked for in `Retry-After`, in milliseconds, if any. */
  readonly retryAfterMs: number | undefined;

  /** An answer with HTTP status `status` and the body as the client read it. */
  constructor(
    status: number,
    message: string,
    body: unknown,
    retryAfterMs?: number,
  ) {
    super(message);
    this.name = "StatusApiError";
    this.status = status;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Raised by the watchdog when a held poll outlives its hold time (a proxy swallowed it). */
export class PollStalledError extends Error {
  /** A poll that had no answer `afterMs` milliseconds after it started. */
  constructor(readonly afterMs: number) {
    super(
      `no answer ${
        Math.round(afterMs / 1000)
      } s after the poll started: the connection was probably dropped on the way`,
    );
    this.name = "PollStalledError";
  }
}

/**
 * True for failures that may go away by themselves: the network, the
 * watchdog, 5xx, 408, 429 and a 2xx whose body was not a state. Other 4xx
 * answers mean the request itself is wrong, so retrying would not help.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof StatusApiError) {
    const { status } = error;
    return status >= 500 || status === 408 || status === 429 ||
      (status >= 200 && status < 300);
  }
  return true;
}
