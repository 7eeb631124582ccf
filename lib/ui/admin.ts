/** The admin panel's decisions: what a failed update means, where the token lives. */
import { StatusApiError } from "../client/mod.ts";

/** What the panel does about a failed update. */
export interface UpdateFailure {
  /** Ask for the admin token (and retry with it). */
  needsToken: boolean;
  /** What went wrong, in French, with the server's own words when it sent some. */
  message: string;
}

/** Reads a failed `updateStatus` as something to tell the admin. */
export function describeUpdateError(
  error: unknown,
  sentToken: boolean,
): UpdateFailure {
  if (!(error instanceof StatusApiError)) {
    return {
      needsToken: false,
      message: "serveur injoignable, réessayez dans un instant",
    };
  }
  const { status, message } = error;
  if (status === 401) {
    return {
      needsToken: true,
      message: sentToken
        ? "jeton d'administration refusé"
        : "jeton d'administration requis",
    };
  }
  const what = status === 409
    ? "le statut a changé entre-temps"
    : status === 400
    ? "demande invalide"
    : status === 413
    ? "demande trop volumineuse"
    : status === 415
    ? "format de demande refusé"
    : status === 503
    ? "service indisponible"
    : status >= 500
    ? "erreur du serveur"
    : "demande refusée";
  return { needsToken: false, message: `${what} (${status}) : ${message}` };
}

/** The part of `Storage` the token needs (sessionStorage in the page). */
export type TokenStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

const TOKEN_KEY = "task-status:admin-token";

/** The admin token kept for this tab, if any (storage may be unavailable: none then). */
export function readToken(
  storage: TokenStorage | undefined,
): string | undefined {
  try {
    return storage?.getItem(TOKEN_KEY) || undefined;
  } catch {
    return undefined;
  }
}

/** Keeps `token` for this tab only; an empty one forgets it. */
export function keepToken(
  storage: TokenStorage | undefined,
  token: string,
): void {
  try {
    if (token === "") storage?.removeItem(TOKEN_KEY);
    else storage?.setItem(TOKEN_KEY, token);
  } catch {
    // Storage refused (private mode, quota): the token lasts for this request only.
  }
}
