import type { Plugin } from "$fresh/server.ts";
import { openedStatusService } from "./current_service.ts";
import { shutdownStatusService } from "./status_service.ts";

/**
 * Ties the status service to the server's life: on SIGINT/SIGTERM every
 * held poll is answered with the current state before the server stops.
 */
export function statusPlugin(): Plugin {
  return {
    name: "status",
    async shutdown() {
      const service = openedStatusService();
      if (service !== undefined) await shutdownStatusService(service);
    },
  };
}
