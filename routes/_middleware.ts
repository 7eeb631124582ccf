import type { FreshContext } from "$fresh/server.ts";
import { statusService } from "../lib/app/current_service.ts";
import { asApiAnswer } from "../lib/http/api_paths.ts";
import { withSecurityHeaders } from "../lib/http/security_headers.ts";

// Not async: a held poll keeps no suspended frame of this alive.
export function handler(request: Request, ctx: FreshContext) {
  return ctx.next().then((response) =>
    withSecurityHeaders(
      asApiAnswer(request, response),
      statusService().config.frameAncestors,
    )
  );
}
