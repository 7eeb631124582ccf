/**
 * The admin panel's decisions: when a choice is sent (a final status waits
 * a few seconds, with "annuler"), what a failed update means in French,
 * the token dialog, and where the token lives.
 */
import { StatusApiError } from "../client/errors.ts";
import type { Status } from "../domain/statuses.ts";
import { isFinal } from "./status_look.ts";

/** How long a final status waits before it is sent, so that a stray click can be taken back. */
export const UNDO_MS = 5_000;

/** What went wrong with an update, for the admin. */
export type UpdateFailure =
  /** The server wants the admin token (`refused`: the one sent is wrong). */
  | { kind: "token"; refused: boolean }
  /** Someone changed the status first: nothing was written. */
  | { kind: "conflict" }
  /** Nothing answered: nothing was written. */
  | { kind: "network" }
  /** The server answered with another refusal, said here in French. */
  | { kind: "refused"; text: string };

/** Reads a failed `updateStatus` as something to tell the admin, in French only. */
export function describeUpdateError(error: unknown): UpdateFailure {
  if (!(error instanceof StatusApiError)) return { kind: "network" };
  const { status } = error;
  if (status === 401) return { kind: "token", refused: false };
  if (status === 409) return { kind: "conflict" };
  const text = status === 403
    ? "ce serveur n'accepte les changements que depuis sa propre machine"
    : status === 507
    ? "le serveur ne peut plus enregistrer de nouvelle tâche"
    : status === 503
    ? "le serveur est saturé, réessayez dans un instant"
    : status >= 500
    ? `erreur du serveur (${status}), réessayez dans un instant`
    : `le serveur a refusé la demande (${status})`;
  return { kind: "refused", text };
}

/** A message under the buttons. */
export interface Feedback {
  tone: "error" | "info";
  text: string;
  /** A message about the network goes away when the connection comes back. */
  network?: boolean;
}

/** The admin panel's state. */
export interface AdminState {
  /** A final status waiting out {@link UNDO_MS}. */
  pending?: { status: Status; version: number; dueAt: number };
  /** The status whose request is in flight. */
  sending?: Status;
  /** The token dialog, open for this change. */
  dialog?: { status: Status; version: number; error?: string };
  feedback?: Feedback;
}

/** Everything that changes the panel. */
export type AdminAction =
  /** A final status was chosen: it waits, with "annuler". */
  | { type: "arm"; status: Status; version: number; at: number }
  | { type: "cancel" }
  | { type: "send"; status: Status }
  | { type: "sent" }
  | { type: "failed"; status: Status; version: number; failure: UpdateFailure }
  /** The dialog was closed without a token. */
  | { type: "dismiss" }
  /** The poll is connected again. */
  | { type: "connected" };

/** What to do with a click on `status` while the task shows `current`. */
export function planChoice(
  state: AdminState,
  status: Status,
  current: Status,
): "ignore" | "arm" | "send" {
  if (state.sending !== undefined || state.dialog !== undefined) {
    return "ignore";
  }
  if (status === current) return "ignore";
  return isFinal(status) ? "arm" : "send";
}

/** Seconds left before a pending status is sent (rounded up). */
export function secondsLeft(
  pending: { dueAt: number },
  now: number,
): number {
  return Math.max(0, Math.ceil((pending.dueAt - now) / 1000));
}

function failure(
  state: AdminState,
  action: Extract<AdminAction, { type: "failed" }>,
): AdminState {
  const { status, version } = action;
  const rest: AdminState = { ...state, sending: undefined, dialog: undefined };
  switch (action.failure.kind) {
    case "token":
      return {
        ...rest,
        feedback: undefined,
        dialog: action.failure.refused
          ? {
            status,
            version,
            error: "Jeton refusé : vérifiez-le et réessayez.",
          }
          : { status, version },
      };
    case "conflict":
      return {
        ...rest,
        feedback: {
          tone: "error",
          text:
            `Le statut a changé entre-temps : « ${status} » n'a pas été envoyé. La page montre le statut actuel.`,
        },
      };
    case "network":
      return {
        ...rest,
        feedback: {
          tone: "error",
          text:
            `Serveur injoignable : « ${status} » n'a pas été envoyé. Réessayez quand la connexion sera rétablie.`,
          network: true,
        },
      };
    case "refused":
      return {
        ...rest,
        feedback: {
          tone: "error",
          text: `« ${status} » n'a pas été envoyé : ${action.failure.text}.`,
        },
      };
  }
}

/** The admin panel's reducer. */
export function adminReducer(
  state: AdminState,
  action: AdminAction,
): AdminState {
  switch (action.type) {
    case "arm":
      return {
        pending: {
          status: action.status,
          version: action.version,
          dueAt: action.at + UNDO_MS,
        },
      };
    case "cancel":
      return state.pending === undefined ? state : {
        ...state,
        pending: undefined,
        feedback: {
          tone: "info",
          text: `Annulé : « ${state.pending.status} » n'a pas été envoyé.`,
        },
      };
    case "send":
      return {
        ...state,
        pending: undefined,
        sending: action.status,
        feedback: undefined,
      };
    case "sent":
      return {};
    case "failed":
      return failure(state, action);
    case "dismiss":
      return state.dialog === undefined ? state : {
        ...state,
        dialog: undefined,
        sending: undefined,
        feedback: {
          tone: "info",
          text:
            `Annulé : « ${state.dialog.status} » n'a pas été envoyé (jeton d'administration requis).`,
        },
      };
    case "connected":
      return state.feedback?.network
        ? { ...state, feedback: undefined }
        : state;
  }
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
