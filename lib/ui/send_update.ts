/** The page's updates: the client's `updateStatus`, saying they come from the page. */
import { type UpdateOptions, updateStatus } from "../client/http.ts";
import type { Source } from "../domain/change_source.ts";
import type { Status } from "../domain/statuses.ts";
import type { UpdateAnswer } from "../domain/task_state.ts";

/** Sets `status` at `baseUrl` as the page does: `source: "page"`, compare-and-set on `expectedVersion`. */
export function sendUpdate(
  baseUrl: string,
  status: Status,
  options: { token?: string; expectedVersion: number },
): Promise<UpdateAnswer> {
  const sent: UpdateOptions & { source?: Source } = {
    ...options,
    source: "page",
  };
  return updateStatus(baseUrl, status, sent);
}
