import type { StatusService } from "../app/status_service.ts";
import { jsonResponse } from "./responses.ts";

/** Answers `GET /healthz`: 200 while the store takes updates, 503 otherwise. */
export function answerHealth(service: StatusService): Response {
  const { store } = service;
  return store.healthy()
    ? jsonResponse(200, { ok: true, store: store.kind })
    : jsonResponse(503, {
      ok: false,
      store: store.kind,
      error: `the ${store.kind} store cannot take updates right now`,
    });
}
