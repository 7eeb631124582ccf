import type { StatusService } from "./status_service.ts";

let current: StatusService | undefined;

/**
 * Makes `service` the one every route answers from. The entry points
 * (`main.ts`, `serve.ts`) call it once, after opening the store.
 */
export function installStatusService(service: StatusService): void {
  current = service;
}

/**
 * The service the routes answer from.
 *
 * @throws {Error} when no entry point has opened one yet.
 */
export function statusService(): StatusService {
  if (current === undefined) {
    throw new Error(
      "no status service is open: start the app with main.ts, serve.ts or cluster.ts",
    );
  }
  return current;
}

/** The service in use, if an entry point opened one (for shutdown hooks). */
export function openedStatusService(): StatusService | undefined {
  return current;
}
