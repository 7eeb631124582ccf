import type { Handlers } from "$fresh/server.ts";
import { service } from "../lib/service.ts";
import { answerUpdate } from "../lib/update.ts";

export const handler: Handlers = {
  POST: (request) => answerUpdate(request, service),
};
