import type { Plugin } from "$fresh/server.ts";

/**
 * Ties the status service to the server's life: on SIGINT/SIGTERM every
 * held poll is answered with the current state before the server stops.
 */
export function statusPlugin(): Plugin {
  return {
    name: "status",
    async shutdown() {
      // Imported here so that building (which loads the config) opens no store.
      const { service } = await import("./service.ts");
      const { shutdownStatusService } = await import("./status_service.ts");
      await shutdownStatusService(service);
    },
  };
}
