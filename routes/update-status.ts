import type { Handlers } from "$fresh/server.ts";
import { statusService } from "../lib/app/current_service.ts";
import { answerUpdate } from "../lib/http/update_status.ts";

export const handler: Handlers = {
  POST: (request, ctx) =>
    answerUpdate(request, statusService(), ctx.remoteAddr),
};
