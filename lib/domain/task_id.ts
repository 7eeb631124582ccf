/** The task today's paths (`/get-status`, `/poll-status`, `/update-status`, `/`) mean. */
export const DEFAULT_TASK = "default";

/** What a task id may be: 1 to 64 lower-case letters, digits and `-`. */
export const TASK_ID_PATTERN = /^[a-z0-9-]{1,64}$/;

/** The outcome of reading a task id from untrusted input. */
export type TaskIdParse =
  | { ok: true; id: string }
  | { ok: false; error: string };

/** Reads a task id: matched exactly against {@link TASK_ID_PATTERN}, nothing folded or trimmed. */
export function parseTaskId(input: unknown): TaskIdParse {
  if (typeof input === "string" && TASK_ID_PATTERN.test(input)) {
    return { ok: true, id: input };
  }
  return {
    ok: false,
    error: `task id must be 1 to 64 lower-case letters, digits or "-", got ${
      JSON.stringify(typeof input === "string" ? input.slice(0, 80) : input)
    }`,
  };
}

/** True for a value that is a valid task id. */
export function isTaskId(value: unknown): value is string {
  return typeof value === "string" && TASK_ID_PATTERN.test(value);
}
