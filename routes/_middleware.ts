import type { FreshContext } from "$fresh/server.ts";
import { asApiAnswer } from "../lib/api_paths.ts";

export async function handler(request: Request, ctx: FreshContext) {
  return asApiAnswer(request, await ctx.next());
}
