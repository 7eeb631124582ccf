import type { StatusService } from "../app/status_service.ts";

/** Answers `GET /metrics` in the Prometheus text format. */
export function answerMetrics(service: StatusService): Response {
  const { hub, hubs } = service.store;
  const text = service.metrics.render({
    version: hub.state.version,
    waiters: hubs.polls,
    watchedTasks: hubs.size,
    storeUp: service.store.healthy(),
  });
  return new Response(text, {
    headers: {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
      "cache-control": "no-store",
    },
  });
}
