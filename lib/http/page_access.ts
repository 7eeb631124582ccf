import type { UpdateAccess } from "../domain/update_access.ts";
import { updateRefusal } from "./update_access.ts";

/**
 * Whether the viewer of a page may update, by the rule updates are
 * checked with (see `updateRefusal`): `token` when the server has an admin
 * token, `open` when it has none and the viewer is on this machine
 * (a loopback peer that names this machine in `Host`), else `denied`.
 * Pure: the page passes it to the island, which then shows the buttons,
 * asks for the token, or says why nobody here can update.
 *
 * @example
 * ```ts
 * const access = updateAccess(request, service.config, ctx.remoteAddr);
 * ```
 */
export function updateAccess(
  request: Request,
  config: { adminToken: string | undefined },
  remoteAddr: Deno.NetAddr,
): UpdateAccess {
  if (config.adminToken !== undefined) return "token";
  return updateRefusal(request, undefined, remoteAddr) === undefined
    ? "open"
    : "denied";
}
