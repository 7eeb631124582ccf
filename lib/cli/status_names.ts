/** Forgiving status names for the command line: `en-cours`, `terminee`, `ECHEC`. */
import { type Status, STATUSES } from "../domain/statuses.ts";

/** Lower case, no accents, one space between words: the key names are compared on. */
export function foldStatusName(input: string): string {
  return input
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\s_-]+/g, " ")
    .trim();
}

/** The status a command-line word names, ignoring case, accents and separators. */
export function matchStatusName(input: string): Status | undefined {
  const key = foldStatusName(input);
  return STATUSES.find((status) => foldStatusName(status) === key);
}

/** The four statuses, quoted, for error messages. */
export function statusChoices(): string {
  return STATUSES.map((s) => JSON.stringify(s)).join(", ");
}
