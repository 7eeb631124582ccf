/** What the command line prints, as pure functions of what happened. */
import {
  type ReconnectingEvent,
  type ResetEvent,
  type StateEvent,
  StatusApiError,
} from "../client/mod.ts";
import type { TaskState, UpdateAnswer } from "../domain/task_state.ts";
import type { TaskSummary } from "../domain/task_list.ts";
import { formatDuration } from "./duration.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";

function parts(iso: string | Date, timeZone?: string) {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  const fields = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(date);
  const get = (type: string) => fields.find((f) => f.type === type)?.value;
  return {
    date: `${get("year")}-${get("month")}-${get("day")}`,
    time: `${get("hour")}:${get("minute")}:${get("second")}`,
  };
}

/** `HH:MM:SS` of an instant, in `timeZone` (the local one by default). */
export function formatClock(at: string | Date, timeZone?: string): string {
  return parts(at, timeZone).time;
}

/** `YYYY-MM-DD HH:MM:SS` of an instant, in `timeZone` (the local one by default). */
export function formatDateTime(at: string | Date, timeZone?: string): string {
  const { date, time } = parts(at, timeZone);
  return `${date} ${time}`;
}

/** The line `status` prints: `En cours (version 3, since 2025-01-01 12:00:00)`. */
export function formatState(state: TaskState, timeZone?: string): string {
  return `${state.status} (version ${state.version}, since ${
    formatDateTime(state.updatedAt, timeZone)
  })`;
}

/** The line `tasks` prints for one task: `build  En cours  v3  2025-01-01 12:00:00  Build de nuit`. */
export function formatTaskLine(task: TaskSummary, timeZone?: string): string {
  return `${task.id}\t${task.status}\tv${task.version}\t${
    formatDateTime(task.updatedAt, timeZone)
  }\t${task.name}`;
}

/** The line `set` prints: `En cours (version 4): Statut mis à jour avec succès`. */
export function formatUpdate(answer: UpdateAnswer): string {
  return `${answer.status} (version ${answer.version}): ${answer.message}`;
}

function resetText(event: ResetEvent): string {
  switch (event.reason) {
    case "epoch":
      return "the server restarted with fresh data";
    case "version":
      return `the server's version went back from ${event.previous.version} to ${event.state.version}`;
    case "server":
      return "the server asked for a resync";
  }
}

/**
 * The stdout line of a watch event in human form: the state is
 * `HH:MM:SS vN STATUS`, a change `HH:MM:SS vN FROM → TO`.
 */
export function formatWatchLine(
  event: StateEvent,
  now: Date,
  timeZone?: string,
): string {
  switch (event.type) {
    case "snapshot":
      return `${
        formatClock(event.state.updatedAt, timeZone)
      } v${event.state.version} ${event.state.status}`;
    case "change":
      return `${
        formatClock(event.at, timeZone)
      } v${event.version} ${event.from} → ${event.to}`;
    case "truncated":
      return `${formatClock(now, timeZone)} (${event.missed} change${
        event.missed === 1 ? "" : "s"
      } not kept by the server: versions ${event.afterVersion + 1}–${
        event.afterVersion + event.missed
      })`;
    case "reset":
      return `${formatClock(now, timeZone)} resync: ${resetText(event)}`;
  }
}

/** The stdout line of a watch event with `--json`: the event as one JSON object. */
export function formatWatchJson(event: StateEvent): string {
  return JSON.stringify(event);
}

/** The stderr line before a retry: `connection lost (…); retrying in 1.2 s (attempt 2)`. */
export function formatReconnecting(event: ReconnectingEvent): string {
  return `connection lost (${describeError(event.error)}); retrying in ${
    formatDuration(event.delayMs)
  } (attempt ${event.attempt})`;
}

/** What went wrong, in a few words. */
export function describeError(error: unknown): string {
  if (error instanceof StatusApiError) {
    return `HTTP ${error.status}: ${error.message}`;
  }
  if (error instanceof TypeError) {
    // fetch says "fetch failed"; the reason ("Connection refused") is at the end of its causes.
    let cause: Error = error;
    while (cause.cause instanceof Error) cause = cause.cause;
    const text = cause.message.split("\n")[0].replace(/ \(os error \d+\)$/, "");
    return text.split(": ").at(-1) || text;
  }
  if (error instanceof Error) return error.message.split("\n")[0];
  return String(error);
}

/** The one stderr line and the exit code of a failed request to `url`. */
export function failure(
  error: unknown,
  url: string,
): { message: string; code: ExitCode } {
  if (error instanceof StatusApiError) {
    if (error.status === 401) {
      return {
        message:
          `unauthorized: ${error.message} (set ADMIN_TOKEN or pass --token)`,
        code: EXIT.unauthorized,
      };
    }
    // A server without a token refuses updates from other machines.
    if (error.status === 403) {
      return {
        message:
          `forbidden: ${error.message} (the server needs ADMIN_TOKEN set to take updates from here)`,
        code: EXIT.unauthorized,
      };
    }
    if (error.status === 409) {
      const body = error.body as { version?: unknown; status?: unknown };
      const now = typeof body === "object" && body !== null &&
          typeof body.version === "number"
        ? ` (now ${String(body.status)}, version ${body.version})`
        : "";
      return {
        message: `conflict: ${error.message}${now}`,
        code: EXIT.conflict,
      };
    }
    return {
      message: `server error from ${url}: ${describeError(error)}`,
      code: EXIT.unavailable,
    };
  }
  return {
    message: `cannot reach ${url}: ${describeError(error)}`,
    code: EXIT.unavailable,
  };
}
