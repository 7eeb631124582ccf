import type { Handlers } from "$fresh/server.ts";
import { answerGetStatus } from "../lib/http/get_status.ts";
import { statusService } from "../lib/app/current_service.ts";

export const handler: Handlers = {
  GET: (request) => answerGetStatus(request, statusService()),
};
