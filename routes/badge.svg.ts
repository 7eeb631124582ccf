import type { Handlers } from "$fresh/server.ts";
import { answerBadge } from "../lib/http/badge.ts";
import { statusService } from "../lib/app/current_service.ts";

export const handler: Handlers = {
  GET: (request) => answerBadge(request, statusService()),
};
