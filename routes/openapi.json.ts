import type { Handlers } from "$fresh/server.ts";
import { openApiDocument } from "../lib/http/openapi.ts";

// The document is built once; it only changes with a deploy, so caches may keep it briefly.
const body = JSON.stringify(openApiDocument);

export const handler: Handlers = {
  GET: () =>
    new Response(body, {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "cache-control": "public, max-age=300",
        // Lets API viewers on other origins load it; it holds nothing secret.
        "access-control-allow-origin": "*",
      },
    }),
};
