import type { Handlers } from "$fresh/server.ts";
import { answerUpdate } from "../../../lib/http/update_status.ts";
import { taskIdParam } from "../../../lib/http/tasks.ts";
import { statusService } from "../../../lib/app/current_service.ts";

export const handler: Handlers = {
  POST(request, ctx) {
    const task = taskIdParam(ctx.params.id);
    return task.ok
      ? answerUpdate(request, statusService(), ctx.remoteAddr, task.id)
      : task.response;
  },
};
