/**
 * What a task is, for people: a name, an optional description and an
 * optional link. The `default` task takes it from TASK_NAME,
 * TASK_DESCRIPTION and TASK_URL; any task may store its own
 * (`PUT /tasks/{id}`), which wins.
 */

/** The identity a task stores, or the configuration gives the `default` task. */
export interface StoredIdentity {
  /** 1 to {@link MAX_NAME_CHARS} characters. */
  name: string;
  /** At most {@link MAX_DESCRIPTION_CHARS} characters. */
  description?: string;
  /** An http(s) URL of at most {@link MAX_URL_CHARS} characters. */
  url?: string;
}

/** A task's identity as answers carry it (`task` in `/get-status`). */
export interface TaskIdentity extends StoredIdentity {
  /** The task id. */
  id: string;
}

/** Longest name, in characters after NFC normalisation. */
export const MAX_NAME_CHARS = 100;
/** Longest description, in characters after NFC normalisation. */
export const MAX_DESCRIPTION_CHARS = 500;
/** Longest link, in characters. */
export const MAX_URL_CHARS = 2048;
/** The name of the `default` task when TASK_NAME is not set. */
export const DEFAULT_TASK_NAME = "Tâche";

/** The outcome of reading one identity field, or a whole identity. */
export type IdentityParse<T> =
  | { ok: true; value: T }
  | { ok: false; error: string };

function text(
  field: string,
  input: unknown,
  min: number,
  max: number,
  allowBreaks: boolean,
): IdentityParse<string> {
  if (typeof input !== "string") {
    return { ok: false, error: `${field} must be a string` };
  }
  const value = input.normalize("NFC");
  const length = [...value].length;
  if (length < min || length > max) {
    return {
      ok: false,
      error: `${field} must be ${min} to ${max} characters, got ${length}`,
    };
  }
  const control = allowBreaks ? /[^\P{Cc}\n\t]/u : /\p{Cc}/u;
  if (control.test(value)) {
    return {
      ok: false,
      error: `${field} must not contain control characters`,
    };
  }
  return { ok: true, value };
}

/** Reads a task name: 1 to 100 characters after NFC, no control characters. */
export function parseTaskName(
  input: unknown,
  field = "name",
): IdentityParse<string> {
  return text(field, input, 1, MAX_NAME_CHARS, false);
}

/** Reads a description: at most 500 characters after NFC; line breaks and tabs allowed. */
export function parseTaskDescription(
  input: unknown,
  field = "description",
): IdentityParse<string> {
  return text(field, input, 0, MAX_DESCRIPTION_CHARS, true);
}

/** Reads a link: an absolute http or https URL of at most 2048 characters. */
export function parseTaskUrl(
  input: unknown,
  field = "url",
): IdentityParse<string> {
  if (typeof input !== "string") {
    return { ok: false, error: `${field} must be a string` };
  }
  if (input.length > MAX_URL_CHARS) {
    return {
      ok: false,
      error: `${field} must be at most ${MAX_URL_CHARS} characters`,
    };
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return {
      ok: false,
      error: `${field} must be an http or https URL, got ${
        JSON.stringify(input.slice(0, 100))
      }`,
    };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return {
      ok: false,
      error: `${field} must be an http or https URL, got ${
        JSON.stringify(input.slice(0, 100))
      }`,
    };
  }
  return { ok: true, value: input };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads an identity from a parsed JSON body: `{"name", "description"?,
 * "url"?}`, nothing else. An empty description or `null` leaves it out.
 */
export function parseIdentity(input: unknown): IdentityParse<StoredIdentity> {
  if (!isRecord(input)) {
    return {
      ok: false,
      error: 'body must be a JSON object such as {"name":"Déploiement"}',
    };
  }
  const unknown = Object.keys(input).filter((key) =>
    key !== "name" && key !== "description" && key !== "url"
  );
  if (unknown.length > 0) {
    return {
      ok: false,
      error: `unknown field ${
        JSON.stringify(unknown[0])
      }: an identity has name, description and url`,
    };
  }
  const name = parseTaskName(input.name);
  if (!name.ok) return name;
  const identity: StoredIdentity = { name: name.value };
  if (input.description !== undefined && input.description !== null) {
    const description = parseTaskDescription(input.description);
    if (!description.ok) return description;
    if (description.value !== "") identity.description = description.value;
  }
  if (input.url !== undefined && input.url !== null) {
    const url = parseTaskUrl(input.url);
    if (!url.ok) return url;
    identity.url = url.value;
  }
  return { ok: true, value: identity };
}

/** A stored identity read back, trusting nothing: undefined unless valid as it is. */
export function parseStoredIdentity(
  value: unknown,
): StoredIdentity | undefined {
  const parsed = parseIdentity(value);
  if (!parsed.ok || !isRecord(value)) return undefined;
  // Stored values were normalised before they were written: anything else was not written by us.
  return parsed.value.name === value.name ? parsed.value : undefined;
}

/**
 * The identity a task shows: its stored one, else the configured one
 * (the `default` task's, from the environment), else its id as its name.
 */
export function identityOf(
  id: string,
  stored: StoredIdentity | undefined,
  configured?: StoredIdentity,
): TaskIdentity {
  const chosen = stored ?? configured ?? { name: id };
  const identity: TaskIdentity = { id, name: chosen.name };
  if (chosen.description !== undefined) {
    identity.description = chosen.description;
  }
  if (chosen.url !== undefined) identity.url = chosen.url;
  return identity;
}
