import type { Handlers } from "$fresh/server.ts";
import { answerPoll } from "../../../lib/http/poll_status.ts";
import { taskIdParam } from "../../../lib/http/tasks.ts";
import { statusService } from "../../../lib/app/current_service.ts";

export const handler: Handlers = {
  GET(request, ctx) {
    const task = taskIdParam(ctx.params.id);
    return task.ok
      ? answerPoll(request, statusService(), task.id)
      : task.response;
  },
};
