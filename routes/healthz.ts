import type { Handlers } from "$fresh/server.ts";
import { answerHealth } from "../lib/operations.ts";
import { service } from "../lib/service.ts";

export const handler: Handlers = {
  GET: () => answerHealth(service),
};
