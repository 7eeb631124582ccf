/**
 * Answers a route may give again, byte for byte, to every plain `GET` of the
 * same URL while they stay current: a hot read of something that has not
 * changed is then answered by the framework's server from the bytes of the
 * last answer, without a `Request`, a middleware or a handler.
 */
import { fixedAnswer } from "./fixed_response.ts";

const marks = new WeakMap<Response, () => boolean>();

/**
 * Marks `response`, a fixed response (see `fixedResponse`), as the answer to
 * every plain `GET` of the same URL (no condition, range or credentials)
 * while `current()` returns true; returns it. The framework's own server
 * then answers such requests with the same bytes, as the middlewares left
 * them, without running them or the handler again: mark only an answer that
 * no middleware makes differently for another request. `current` is called
 * for every such request, so it must be cheap. Elsewhere (`Deno.serve`) the
 * mark does nothing.
 *
 * @example
 * ```ts
 * const answer = fixedResponse(200, JSON.stringify(state), json);
 * return repeatable(answer, () => store.state === state);
 * ```
 */
export function repeatable(
  response: Response,
  current: () => boolean,
): Response {
  marks.set(response, current);
  return response;
}

interface Kept {
  response: Response;
  current: () => boolean;
}

/** The answers a server gives again, by URL, at most `max` of them. */
export class RepeatAnswers {
  readonly #kept = new Map<string, Kept>();

  constructor(readonly max = 256) {}

  /** Answers kept now. */
  get size(): number {
    return this.#kept.size;
  }

  /**
   * Keeps `response`, sent to a plain `GET` of `url`, if it was marked
   * repeatable and nothing in it is for one client alone.
   */
  offer(url: string, response: Response): void {
    const current = marks.get(response);
    if (
      current === undefined || response.status !== 200 ||
      fixedAnswer(response) === undefined ||
      response.headers.has("vary") || response.headers.has("set-cookie")
    ) {
      return;
    }
    // Many URLs at once (a query string per client) must not grow the map.
    if (this.#kept.size >= this.max && !this.#kept.has(url)) {
      this.#kept.clear();
    }
    this.#kept.set(url, { response, current });
  }

  /** The answer to give again to a plain `GET` of `url`, while it is current. */
  take(url: string): Response | undefined {
    const kept = this.#kept.get(url);
    if (kept === undefined) return undefined;
    if (kept.current() && fixedAnswer(kept.response) !== undefined) {
      return kept.response;
    }
    this.#kept.delete(url);
    return undefined;
  }
}
