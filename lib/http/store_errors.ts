import {
  StoreUnavailableError,
  TaskLimitError,
} from "../stores/status_store.ts";
import { errorResponse } from "./responses.ts";

/**
 * The answer to a store call that failed in a way the client can act on:
 * 503 with `Retry-After` when the store cannot answer now, 507 when
 * MAX_TASKS is reached. Anything else is a bug and is thrown again.
 *
 * @example
 * ```ts
 * return store.read(id).then((task) => jsonResponse(200, task), storeUnavailable);
 * ```
 */
export function storeUnavailable(error: unknown): Response {
  if (error instanceof TaskLimitError) {
    return errorResponse(507, error.message);
  }
  if (error instanceof StoreUnavailableError) {
    return errorResponse(
      503,
      `the store cannot answer now: ${error.message}`,
      {},
      { "retry-after": "1" },
    );
  }
  throw error;
}
