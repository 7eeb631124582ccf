import type { Handlers } from "$fresh/server.ts";
import { answerMetrics } from "../lib/http/metrics.ts";
import { statusService } from "../lib/app/current_service.ts";

export const handler: Handlers = {
  GET: () => answerMetrics(statusService()),
};
