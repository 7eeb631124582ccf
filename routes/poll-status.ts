import type { Handlers } from "$fresh/server.ts";
import { answerPoll } from "../lib/poll.ts";
import { service } from "../lib/service.ts";

export const handler: Handlers = {
  GET: (request) => answerPoll(request, service),
};
