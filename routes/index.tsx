import type { Handlers, PageProps } from "$fresh/server.ts";
import { statusService } from "../lib/app/current_service.ts";
import { DEFAULT_TASK } from "../lib/domain/task_id.ts";
import { type TaskPageData, taskPageData } from "../lib/http/task_page_data.ts";
import { TaskPage } from "../components/TaskPage.tsx";

export const handler: Handlers<TaskPageData> = {
  async GET(request, ctx) {
    const data = await taskPageData(
      request,
      statusService(),
      ctx.remoteAddr,
      DEFAULT_TASK,
    );
    const response = await ctx.render(data);
    // The page carries the current status: a cached copy would be a lie.
    response.headers.set("cache-control", "no-store");
    return response;
  },
};

/** `/`: the `default` task's page. */
export default function Home({ data, url }: PageProps<TaskPageData>) {
  return <TaskPage {...data} url={url} renderedAt={Date.now()} />;
}
