/** The activity log: what happened on this page, newest first, capped. */
import type { Status } from "../domain/statuses.ts";

/** Entries kept at most; older ones fall off the end. */
export const LOG_CAP = 100;

/** What an entry is about, with what it needs to be told. */
export type LogFact =
  | { kind: "change"; from: Status; to: Status; version: number }
  | { kind: "reset"; status: Status; version: number }
  | { kind: "truncated"; missed: number }
  | { kind: "lost"; reason: string }
  | { kind: "restored" }
  | { kind: "offline" }
  | { kind: "online" }
  | { kind: "admin"; status: Status; message: string; version: number }
  | { kind: "admin-error"; status: Status; message: string };

/** One line of the log. */
export type LogEntry = LogFact & {
  /** Unique within the page, for list keys. */
  id: number;
  /** When it happened, in ms since the epoch (shown in local time). */
  at: number;
};

/** How an entry reads, and the tone of its marker. */
export interface EntryText {
  text: string;
  tone: "info" | "success" | "warning" | "error";
}

/** `entries` with `entry` in front, keeping at most `cap` entries. */
export function prepend(
  entries: readonly LogEntry[],
  entry: LogEntry,
  cap: number = LOG_CAP,
): LogEntry[] {
  return [entry, ...entries.slice(0, Math.max(0, cap - 1))];
}

/** The French sentence of an entry. */
export function describeEntry(entry: LogFact): EntryText {
  switch (entry.kind) {
    case "change":
      return {
        text: `${entry.from} → ${entry.to} (version ${entry.version})`,
        tone: "info",
      };
    case "reset":
      return {
        text:
          `Resynchronisé : le serveur a repris à zéro, statut ${entry.status} (version ${entry.version})`,
        tone: "warning",
      };
    case "truncated":
      return {
        text: entry.missed === 1
          ? "1 changement manqué (plus conservé par le serveur)"
          : `${entry.missed} changements manqués (plus conservés par le serveur)`,
        tone: "warning",
      };
    case "lost":
      return { text: `Connexion perdue : ${entry.reason}`, tone: "error" };
    case "restored":
      return { text: "Connexion rétablie", tone: "success" };
    case "offline":
      return { text: "Navigateur hors ligne", tone: "error" };
    case "online":
      return { text: "Navigateur de nouveau en ligne", tone: "success" };
    case "admin":
      return {
        text:
          `Action admin « ${entry.status} » : ${entry.message} (version ${entry.version})`,
        tone: "success",
      };
    case "admin-error":
      return {
        text: `Action admin « ${entry.status} » refusée : ${entry.message}`,
        tone: "error",
      };
  }
}
