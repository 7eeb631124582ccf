import type { UpdateRequest, UpdateResult } from "../domain/update_rule.ts";
import type { StateHub } from "../live/state_hub.ts";

/**
 * Where the status lives. Every store keeps the latest state it knows in a
 * {@link StateHub}, read synchronously, so that a poll compares its version
 * and registers its wait in the same tick.
 */
export interface StatusStore {
  /** Which kind of store this is, for logs and health checks. */
  readonly kind: string;
  /** The latest state, its history and the local waiters. */
  readonly hub: StateHub;
  /** Applies an update atomically; versions are never skipped or reused. */
  update(request: UpdateRequest): Promise<UpdateResult>;
  /** True while the store can take updates. */
  healthy(): boolean;
  /** Releases connections, watchers and timers. */
  close(): Promise<void>;
}

/** Thrown when the store cannot take an update right now (the request may be retried). */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
}

/** The store could not be opened at start; the message names the database. */
export class StoreOpenError extends Error {
  override name = "StoreOpenError";
}
