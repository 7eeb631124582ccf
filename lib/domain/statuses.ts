/** The four statuses of a task, in display order (NFC-normalised). */
export const STATUSES = [
  "En attente",
  "En cours",
  "Terminée",
  "Échec",
] as const;

/** One of the four statuses. */
export type Status = typeof STATUSES[number];

/** The status a task has before anyone changes it. */
export const INITIAL_STATUS: Status = "En attente";

/** Statuses after which the task does not run any more. */
export const FINAL_STATUSES: readonly Status[] = ["Terminée", "Échec"];

/** The outcome of reading a status from untrusted input. */
export type StatusParse =
  | { ok: true; status: Status }
  | { ok: false; error: string };

/**
 * Reads a status from untrusted input: NFC-normalised, then matched exactly
 * (no trimming, no case folding), as the wire contract says.
 */
export function parseStatus(input: unknown): StatusParse {
  if (typeof input !== "string") {
    return { ok: false, error: "status must be a string" };
  }
  const normalised = input.normalize("NFC");
  const status = STATUSES.find((s) => s === normalised);
  if (status === undefined) {
    return {
      ok: false,
      error: `unknown status ${JSON.stringify(input)}: status must be one of ${
        STATUSES.map((s) => JSON.stringify(s)).join(", ")
      }`,
    };
  }
  return { ok: true, status };
}

/** True for a value that is one of the four statuses exactly. */
export function isStatus(value: unknown): value is Status {
  return typeof value === "string" &&
    (STATUSES as readonly string[]).includes(value);
}
