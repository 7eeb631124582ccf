/** The connection indicator: its states and how each reads. */
import { PollStalledError, StatusApiError } from "../client/mod.ts";
import { secondsUntil } from "./format.ts";

/** Where the long poll stands. */
export type Connection =
  | { kind: "connecting" }
  | { kind: "live" }
  | {
    kind: "reconnecting";
    /** 1 for the first failure in a row, then 2, 3, … */
    attempt: number;
    /** When the next try starts, in ms since the epoch. */
    retryAt: number;
    /** Why the last poll failed, in French. */
    reason: string;
  };

/** What the indicator shows: the browser being offline beats everything else. */
export type IndicatorKind = Connection["kind"] | "offline";

/** The indicator's text and kind at `now`. */
export interface Indicator {
  kind: IndicatorKind;
  /** Short label, always shown (the colour is never the only signal). */
  label: string;
  /** More words, when there are any. */
  detail?: string;
}

/** Why a poll failed, in words a user can read. */
export function describeFailure(error: unknown): string {
  if (error instanceof PollStalledError) return "le serveur ne répond plus";
  if (error instanceof StatusApiError) {
    if (error.status === 503) return "serveur saturé (503)";
    if (error.status >= 500) return `erreur du serveur (${error.status})`;
    if (error.status >= 200 && error.status < 300) {
      return "réponse illisible du serveur";
    }
    return `refus du serveur (${error.status})`;
  }
  return "serveur injoignable";
}

/** The indicator for `connection` at `now`, given whether the browser is online. */
export function indicatorOf(
  connection: Connection,
  online: boolean,
  now: number,
): Indicator {
  if (!online) {
    return {
      kind: "offline",
      label: "Hors ligne",
      detail: "Le navigateur n'a plus de réseau ; reprise dès son retour.",
    };
  }
  switch (connection.kind) {
    case "connecting":
      return { kind: "connecting", label: "Connexion…" };
    case "live":
      return { kind: "live", label: "En direct" };
    case "reconnecting": {
      const seconds = secondsUntil(connection.retryAt, now);
      return {
        kind: "reconnecting",
        label: "Reconnexion",
        detail: `${
          seconds > 0 ? `nouvel essai dans ${seconds} s` : "nouvel essai…"
        } (tentative ${connection.attempt}) — ${connection.reason}`,
      };
    }
  }
}
