/** Where a change came from: the page's buttons, the command line, or any other API client. */
export const SOURCES = ["page", "cli", "api"] as const;

/** One of {@link SOURCES}. */
export type Source = typeof SOURCES[number];

/** The source of a change that did not say (and of changes stored before sources were kept). */
export const DEFAULT_SOURCE: Source = "api";

/** Longest actor, in characters after NFC normalisation. */
export const MAX_ACTOR_CHARS = 64;

/** True for one of the three sources. */
export function isSource(value: unknown): value is Source {
  return typeof value === "string" &&
    (SOURCES as readonly string[]).includes(value);
}

/** Reading an optional field of an update: its value, or what is wrong with it. */
export type FieldParse<T> =
  | { ok: true; value: T | undefined }
  | { ok: false; error: string };

/** Reads `source` from an update body: absent, or one of the three exactly. */
export function parseSource(input: unknown): FieldParse<Source> {
  if (input === undefined) return { ok: true, value: undefined };
  if (isSource(input)) return { ok: true, value: input };
  return {
    ok: false,
    error: `source must be one of ${
      SOURCES.map((s) => JSON.stringify(s)).join(", ")
    }, got ${JSON.stringify(input)}`,
  };
}

/**
 * Reads `actor` from an update body: absent, or a string of 1 to
 * {@link MAX_ACTOR_CHARS} characters after NFC normalisation, without
 * control characters (it is shown in logs and pages as it is).
 */
export function parseActor(input: unknown): FieldParse<string> {
  if (input === undefined) return { ok: true, value: undefined };
  if (typeof input !== "string") {
    return { ok: false, error: "actor must be a string" };
  }
  const actor = input.normalize("NFC");
  const length = [...actor].length;
  if (length < 1 || length > MAX_ACTOR_CHARS) {
    return {
      ok: false,
      error: `actor must be 1 to ${MAX_ACTOR_CHARS} characters, got ${length}`,
    };
  }
  if (/\p{Cc}/u.test(actor)) {
    return { ok: false, error: "actor must not contain control characters" };
  }
  return { ok: true, value: actor };
}

/** True for a value that {@link parseActor} accepts as it is (stored records are checked with it). */
export function isActor(value: unknown): value is string {
  const parsed = parseActor(value);
  return parsed.ok && parsed.value === value;
}
