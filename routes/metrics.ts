import type { Handlers } from "$fresh/server.ts";
import { answerMetrics } from "../lib/operations.ts";
import { service } from "../lib/service.ts";

export const handler: Handlers = {
  GET: () => answerMetrics(service),
};
