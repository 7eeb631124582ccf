/**
 * Whether a viewer of a page may update the task, as the server sees it:
 * `open` (no admin token and the viewer is on this machine), `token` (the
 * server has an admin token: the viewer needs it) or `denied` (no token,
 * and the viewer is not on this machine: nobody there can update).
 */
export type UpdateAccess = "open" | "token" | "denied";
