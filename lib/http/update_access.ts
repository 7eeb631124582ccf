import { bearerMatches } from "./bearer.ts";
import { isLoopbackAddress, isLoopbackName } from "./loopback.ts";
import { errorResponse } from "./responses.ts";

/**
 * Who may update. With an admin token: whoever sends it. Without one: only
 * a client on this machine, that is a loopback peer that also names this
 * machine in `Host` (a page of another site that a DNS rebinding points at
 * 127.0.0.1 still says its own name there). Returns the refusal to send, or
 * undefined when the update may go on.
 *
 * @example
 * ```ts
 * const refusal = updateRefusal(request, config.adminToken, ctx.remoteAddr);
 * if (refusal) return refusal;
 * ```
 */
export function updateRefusal(
  request: Request,
  adminToken: string | undefined,
  remoteAddr: Deno.NetAddr,
): Response | undefined {
  if (adminToken !== undefined) {
    if (bearerMatches(request.headers.get("authorization"), adminToken)) {
      return undefined;
    }
    return errorResponse(
      401,
      "this server needs the admin token: send Authorization: Bearer <ADMIN_TOKEN>",
      {},
      { "www-authenticate": 'Bearer realm="status"' },
    );
  }
  const peer = remoteAddr.hostname;
  if (!isLoopbackAddress(peer)) {
    return errorResponse(
      403,
      `updates from ${peer} are refused: without ADMIN_TOKEN this server accepts updates only from this machine (a loopback address); set ADMIN_TOKEN on the server and send Authorization: Bearer <ADMIN_TOKEN>`,
    );
  }
  const host = new URL(request.url).hostname;
  if (!isLoopbackName(host)) {
    return errorResponse(
      403,
      `updates addressed to ${host} are refused: without ADMIN_TOKEN this server accepts updates only addressed to localhost or a loopback address; set ADMIN_TOKEN on the server and send Authorization: Bearer <ADMIN_TOKEN>`,
    );
  }
  return undefined;
}
