import type { Handlers } from "$fresh/server.ts";
import { answerGetStatus } from "../lib/read.ts";
import { service } from "../lib/service.ts";

export const handler: Handlers = {
  GET: (request) => answerGetStatus(request, service),
};
