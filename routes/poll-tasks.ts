import type { Handlers } from "$fresh/server.ts";
import { answerPollTasks } from "../lib/http/poll_tasks.ts";
import { statusService } from "../lib/app/current_service.ts";

export const handler: Handlers = {
  GET: (request) => answerPollTasks(request, statusService()),
};
