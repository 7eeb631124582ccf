import type { Handlers } from "$fresh/server.ts";
import { answerGetStatus } from "../../../lib/http/get_status.ts";
import { taskIdParam } from "../../../lib/http/tasks.ts";
import { statusService } from "../../../lib/app/current_service.ts";

export const handler: Handlers = {
  GET(request, ctx) {
    const task = taskIdParam(ctx.params.id);
    return task.ok
      ? answerGetStatus(request, statusService(), task.id)
      : task.response;
  },
};
