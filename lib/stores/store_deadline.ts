/**
 * How long a store call may take before the caller is answered 503 instead
 * of waiting: a store that does not answer (a frozen Redis, a stalled disk)
 * must not hold requests for as long as it is stuck.
 */
export const DEFAULT_STORE_TIMEOUT_MS = 5_000;

/** A store call that did not answer in time (the call itself may still be under way). */
export class DeadlineError extends Error {
  override name = "DeadlineError";
}

/**
 * Settles as `task` does, or rejects with a {@link DeadlineError} saying
 * `message` once `ms` have passed, whichever comes first. The task is not
 * stopped: the caller decides what its later outcome means.
 */
export async function within<T>(
  task: Promise<T>,
  ms: number,
  message: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(message)), ms);
  });
  try {
    return await Promise.race([task, late]);
  } finally {
    clearTimeout(timer);
  }
}
