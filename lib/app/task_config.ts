/** The configuration of tasks: the `default` task's identity (TASK_*) and MAX_TASKS. */
import {
  DEFAULT_TASK_NAME,
  type IdentityParse,
  parseTaskDescription,
  parseTaskName,
  parseTaskUrl,
  type StoredIdentity,
} from "../domain/task_identity.ts";
import { DEFAULT_MAX_TASKS } from "../stores/status_store.ts";
import { ConfigError, type Env } from "./config.ts";

/** Highest MAX_TASKS. */
export const MAX_TASKS_CEILING = 1_000_000;

/** The value parsed, or a {@link ConfigError} with the parser's message (it names the variable). */
function valid<T>(parsed: IdentityParse<T>): T {
  if (parsed.ok) return parsed.value;
  throw new ConfigError(parsed.error);
}

/**
 * The `default` task's identity from TASK_NAME (default "Tâche"),
 * TASK_DESCRIPTION and TASK_URL (http or https); throws
 * {@link ConfigError} naming the variable.
 */
export function defaultTaskIdentity(env: Env): StoredIdentity {
  const rawName = env("TASK_NAME");
  const identity: StoredIdentity = {
    name: rawName === undefined || rawName === ""
      ? DEFAULT_TASK_NAME
      : valid(parseTaskName(rawName, "TASK_NAME")),
  };
  const description = env("TASK_DESCRIPTION");
  if (description !== undefined && description !== "") {
    identity.description = valid(
      parseTaskDescription(description, "TASK_DESCRIPTION"),
    );
  }
  const url = env("TASK_URL");
  if (url !== undefined && url !== "") {
    identity.url = valid(parseTaskUrl(url, "TASK_URL"));
  }
  return identity;
}

/** MAX_TASKS: stored tasks besides `default`, 1 to 1,000,000 (default 10,000). */
export function maxTasks(env: Env): number {
  const raw = env("MAX_TASKS");
  if (raw === undefined || raw === "") return DEFAULT_MAX_TASKS;
  if (
    !/^\d{1,7}$/.test(raw) || Number(raw) < 1 ||
    Number(raw) > MAX_TASKS_CEILING
  ) {
    throw new ConfigError(
      `MAX_TASKS must be an integer from 1 to ${MAX_TASKS_CEILING}, got ${
        JSON.stringify(raw)
      }`,
    );
  }
  return Number(raw);
}
