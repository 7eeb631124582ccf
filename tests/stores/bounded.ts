/**
 * `task`, or a failure naming `what` if it has not settled within `ms`: a
 * store that hangs fails its test instead of hanging the run.
 */
export function bounded<T>(
  task: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    task,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} still hung after ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
