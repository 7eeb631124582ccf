import type { Handlers, PageProps } from "$fresh/server.ts";
import { statusService } from "../../../lib/app/current_service.ts";
import {
  answerDeleteTask,
  answerSetIdentity,
  taskIdParam,
  wantsJson,
} from "../../../lib/http/tasks.ts";
import { answerGetStatus } from "../../../lib/http/get_status.ts";
import {
  type TaskPageData,
  taskPageData,
} from "../../../lib/http/task_page_data.ts";
import { TaskPage } from "../../../components/TaskPage.tsx";

// PUT and DELETE are the API; GET is the task's page, or its state as
// get-status answers it when the request asks for JSON.
export const handler: Handlers<TaskPageData> = {
  async GET(request, ctx) {
    const task = taskIdParam(ctx.params.id);
    if (!task.ok) {
      return wantsJson(request) ? task.response : ctx.renderNotFound();
    }
    if (wantsJson(request)) {
      return answerGetStatus(request, statusService(), task.id);
    }
    const data = await taskPageData(
      request,
      statusService(),
      ctx.remoteAddr,
      task.id,
    );
    const response = await ctx.render(data);
    // The page carries the current status: a cached copy would be a lie.
    response.headers.set("cache-control", "no-store");
    return response;
  },
  PUT(request, ctx) {
    const task = taskIdParam(ctx.params.id);
    return task.ok
      ? answerSetIdentity(request, statusService(), ctx.remoteAddr, task.id)
      : task.response;
  },
  DELETE(request, ctx) {
    const task = taskIdParam(ctx.params.id);
    return task.ok
      ? answerDeleteTask(request, statusService(), ctx.remoteAddr, task.id)
      : task.response;
  },
};

/** `/tasks/{id}`: the task's page, as `/` is the `default` task's. */
export default function TaskRoute({ data, url }: PageProps<TaskPageData>) {
  return <TaskPage {...data} url={url} renderedAt={Date.now()} />;
}
