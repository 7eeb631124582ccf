import type { StatusService } from "../app/status_service.ts";
import { jsonResponse } from "./responses.ts";

/**
 * Answers `GET /healthz`: 200 while the store takes updates, 503 with the
 * reason while it cannot. When no write succeeded lately, the store first
 * proves itself with a small write, so the answer may take up to the
 * store's deadline (STORE_TIMEOUT_MS) when the store hangs.
 */
export async function answerHealth(service: StatusService): Promise<Response> {
  const { store } = service;
  const health = await store.checkHealth();
  return health.ok
    ? jsonResponse(200, { ok: true, store: store.kind })
    : jsonResponse(503, {
      ok: false,
      store: store.kind,
      error: `the ${store.kind} store cannot take updates: ${health.reason}`,
    });
}
