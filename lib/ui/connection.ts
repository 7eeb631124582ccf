/** The connection indicator: its states, how each reads, and how soon to retry. */
import { PollStalledError, StatusApiError } from "../client/errors.ts";
import { secondsUntil } from "./format.ts";

/** Where the long poll stands. */
export type Connection =
  | { kind: "connecting" }
  | { kind: "live" }
  | {
    kind: "reconnecting";
    /** 1 for the first failure in a row, then 2, 3, … */
    attempt: number;
    /** When the last poll failed, in ms since the epoch. */
    failedAt: number;
    /** When the client's backoff starts the next try, in ms since the epoch. */
    retryAt: number;
    /** Why the last poll failed, in French. */
    reason: string;
    /** The server could not be reached at all (rather than answering an error). */
    unreachable: boolean;
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

/**
 * True when `error` says nothing answered (the server is down or
 * restarting), as opposed to a server that answered with a refusal and
 * perhaps a `Retry-After` to respect.
 */
export function isUnreachable(error: unknown): boolean {
  return !(error instanceof StatusApiError);
}

/** The indicator for `connection` at `now`, given whether the browser is online and the tab visible. */
export function indicatorOf(
  connection: Connection,
  online: boolean,
  now: number,
  visible = true,
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
      const seconds = secondsUntil(nextTryAt(connection, visible), now);
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

/** While the tab is visible, an unreachable server is tried again at least this often. */
export const VISIBLE_RETRY_MS = 2_000;

/**
 * When the next try starts: when the client's backoff says, except that a
 * server that could not be reached is tried again within
 * {@link VISIBLE_RETRY_MS} of the failure while someone looks at the page
 * (so that the page is back within about two seconds of the server). A
 * server that answered (503 with `Retry-After`, say) is left the time it
 * asked for.
 */
export function nextTryAt(
  connection: Extract<Connection, { kind: "reconnecting" }>,
  visible: boolean,
): number {
  if (!visible || !connection.unreachable) return connection.retryAt;
  return Math.min(connection.retryAt, connection.failedAt + VISIBLE_RETRY_MS);
}

/**
 * How long until a visible tab should cut the backoff short (see
 * {@link nextTryAt}), or undefined to let the backoff run.
 */
export function visibleRetryIn(
  connection: Connection,
  visible: boolean,
  now: number,
): number | undefined {
  if (connection.kind !== "reconnecting") return undefined;
  const at = nextTryAt(connection, visible);
  return at < connection.retryAt ? Math.max(0, at - now) : undefined;
}
