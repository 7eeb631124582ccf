import type { FreshContext } from "$fresh/server.ts";
import { asApiAnswer } from "../lib/http/api_paths.ts";

// Not async: a held poll keeps no suspended frame of this alive.
export function handler(request: Request, ctx: FreshContext) {
  return ctx.next().then((response) => asApiAnswer(request, response));
}
