import type { Handlers, PageProps } from "$fresh/server.ts";
import { statusService } from "../../lib/app/current_service.ts";
import { answerTaskList, wantsJson } from "../../lib/http/tasks.ts";
import {
  DEFAULT_LIST_LIMIT,
  type ListQuery,
  parseListQuery,
} from "../../lib/domain/task_list.ts";
import {
  type BoardPageData,
  boardPageData,
} from "../../lib/http/task_page_data.ts";
import { BoardPage } from "../../components/BoardPage.tsx";

// GET /tasks is the board, or the JSON list when the request asks for JSON.
export const handler: Handlers<BoardPageData> = {
  async GET(request, ctx) {
    if (wantsJson(request)) return answerTaskList(request, statusService());
    // The board pages by `after` only: a page is at most what one poll watches.
    const parsed = parseListQuery(new URL(request.url).searchParams);
    const query: ListQuery = { limit: DEFAULT_LIST_LIMIT };
    if (parsed.ok && parsed.query.after !== undefined) {
      query.after = parsed.query.after;
    }
    const data = await boardPageData(
      request,
      statusService(),
      ctx.remoteAddr,
      query,
    );
    const response = await ctx.render(data);
    response.headers.set("cache-control", "no-store");
    return response;
  },
};

/** `/tasks`: the board, every stored task as a live card. */
export default function Board({ data, url }: PageProps<BoardPageData>) {
  return <BoardPage {...data} url={url} renderedAt={Date.now()} />;
}
