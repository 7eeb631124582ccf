import type { Handlers } from "$fresh/server.ts";
import { answerHealth } from "../lib/http/healthz.ts";
import { statusService } from "../lib/app/current_service.ts";

export const handler: Handlers = {
  GET: () => answerHealth(statusService()),
};
