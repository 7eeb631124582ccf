import type { Handlers } from "$fresh/server.ts";
import { answerPoll } from "../lib/http/poll_status.ts";
import { statusService } from "../lib/app/current_service.ts";

export const handler: Handlers = {
  GET: (request) => answerPoll(request, statusService()),
};
