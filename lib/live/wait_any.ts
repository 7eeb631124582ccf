import type { Deadlines } from "./deadlines.ts";

/** How a wait on several sources ended: the first value (and which source), the deadline, or the abort. */
export type AnyOutcome<T> =
  | { kind: "changed"; index: number; value: T }
  | { kind: "timeout" }
  | { kind: "aborted" };

/**
 * Something that calls a listener once with its next value (a `StateHub`, a
 * `Broadcaster`); the listener says false when it no longer wanted it.
 */
export interface Listenable<T> {
  listen(onValue: (value: T) => boolean | void): () => void;
}

/**
 * Waits for the first value any of `sources` publishes, or `timeoutMs`
 * (up to `slackMs` sooner, on the shared `deadlines`), or `signal`'s
 * abort. One finish: whatever ends the wait removes its listener from
 * every source, its deadline and its abort listener, once. Registration is
 * synchronous, so nothing published after this call is missed.
 *
 * @example
 * ```ts
 * const outcome = await waitAny([hubA, hubB], deadlines, 25_000, request.signal);
 * if (outcome.kind === "changed") console.log("task", outcome.index, "changed");
 * ```
 */
export function waitAny<T>(
  sources: readonly Listenable<T>[],
  deadlines: Deadlines,
  timeoutMs: number,
  signal?: AbortSignal,
  slackMs = 0,
): Promise<AnyOutcome<T>> {
  if (signal?.aborted) return Promise.resolve({ kind: "aborted" });
  return new Promise((resolve) => {
    let done = false;
    const removers: (() => void)[] = [];
    const finish = (outcome: AnyOutcome<T>): boolean => {
      if (done) return false;
      done = true;
      deadlines.delete(deadline, onTimeout);
      signal?.removeEventListener("abort", onAbort);
      for (const remove of removers) remove();
      resolve(outcome);
      return true;
    };
    const onAbort = () => finish({ kind: "aborted" });
    const onTimeout = () => finish({ kind: "timeout" });
    sources.forEach((source, index) => {
      removers.push(
        source.listen((value) => finish({ kind: "changed", index, value })),
      );
    });
    const deadline = deadlines.add(timeoutMs, onTimeout, slackMs);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
