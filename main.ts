/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="dom.asynciterable" />
/// <reference lib="deno.ns" />

import { start } from "$fresh/server.ts";
import manifest from "./fresh.gen.ts";
import config from "./fresh.config.ts";
import { bootStatusService } from "./lib/app/boot.ts";
import { listeningLines } from "./lib/app/listening.ts";

const service = await bootStatusService();
await start(manifest, {
  ...config,
  server: {
    ...config.server,
    reusePort: service.config.reusePort,
    onListen: (addr) => console.log(listeningLines(addr, service.config)),
    timeouts: service.config.connectionTimeouts,
  },
});
