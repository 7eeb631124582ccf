import type { StatusService } from "../app/status_service.ts";
import { readCapped } from "./capped_body.ts";
import { errorResponse } from "./responses.ts";
import { updateRefusal } from "./update_access.ts";

/** Largest body an admin request may send, in bytes. */
export const MAX_BODY_BYTES = 4 * 1024;

/** An admin request's body text, or the answer that refuses the request. */
export type AdminBody =
  | { ok: true; text: string }
  | { ok: false; response: Response };

function isJson(contentType: string | null): boolean {
  const type = contentType?.split(";")[0].trim().toLowerCase();
  return type === "application/json" || (type?.endsWith("+json") ?? false);
}

/**
 * The checks every request that changes a task passes first, in the
 * contract's order: who may (401/403), a JSON `Content-Type` (415), a body
 * of at most {@link MAX_BODY_BYTES} (413) that is UTF-8 (400).
 */
export async function readAdminBody(
  request: Request,
  service: StatusService,
  remoteAddr: Deno.NetAddr,
): Promise<AdminBody> {
  const refusal = updateRefusal(request, service.config.adminToken, remoteAddr);
  if (refusal !== undefined) return { ok: false, response: refusal };
  if (!isJson(request.headers.get("content-type"))) {
    return {
      ok: false,
      response: errorResponse(415, "Content-Type must be application/json"),
    };
  }
  const body = await readCapped(request, MAX_BODY_BYTES);
  if (body.ok) return { ok: true, text: body.text };
  return {
    ok: false,
    response: body.reason === "too-large"
      ? errorResponse(413, `body must be at most ${MAX_BODY_BYTES} bytes`)
      : errorResponse(400, "body could not be read as UTF-8"),
  };
}
