/** The exit codes scripts can rely on; `--help` and the README list them. */
export const EXIT = {
  /** Done; for `wait`, the task reached `Terminée` (or the `--until` status). */
  ok: 0,
  /** `wait`: the task ended in `Échec` (or the other final status than `--until`). */
  failed: 1,
  /** Bad command line: unknown command or option, bad value. */
  usage: 2,
  /** `set --expect-version`: someone else changed the status first. */
  conflict: 3,
  /** The server wants a (different) admin token. */
  unauthorized: 4,
  /** The server is unreachable, or answered with an error. */
  unavailable: 5,
  /** `wait --timeout` ran out. */
  timeout: 124,
  /** Interrupted by SIGINT (Ctrl-C). */
  interrupted: 130,
  /** Stopped by SIGTERM. */
  terminated: 143,
} as const;

/** One of the exit codes above. */
export type ExitCode = typeof EXIT[keyof typeof EXIT];
