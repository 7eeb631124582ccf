import type { StatusService } from "./status_service.ts";
import { jsonResponse } from "./wire.ts";

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

/** Answers `GET /metrics` in the Prometheus text format. */
export function answerMetrics(service: StatusService): Response {
  const { hub } = service.store;
  const text = service.metrics.render({
    version: hub.state.version,
    waiters: hub.waiting,
    storeUp: service.store.healthy(),
  });
  return new Response(text, {
    headers: {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
      "cache-control": "no-store",
    },
  });
}
