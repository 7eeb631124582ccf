import type { StatusService } from "../app/status_service.ts";
import { stateEtag, stateResponse } from "./responses.ts";

/** Answers `GET /get-status`, or 304 when the client's ETag is current. */
export function answerGetStatus(
  request: Request,
  service: StatusService,
): Response {
  const state = service.store.hub.state;
  const etag = stateEtag(state);
  const known = request.headers.get("if-none-match");
  if (known !== null && known.split(",").some((tag) => tag.trim() === etag)) {
    return new Response(null, {
      status: 304,
      headers: {
        etag,
        "cache-control": "no-store",
        "x-status-version": String(state.version),
      },
    });
  }
  return stateResponse(state.version, service.store.hub.stateJson, { etag });
}
