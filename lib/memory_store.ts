import { appendChange } from "./history.ts";
import { StateHub } from "./state_hub.ts";
import { INITIAL_STATUS } from "./statuses.ts";
import type { StatusStore, UpdateRequest, UpdateResult } from "./store.ts";
import { transition } from "./transition.ts";

/** A fresh epoch: any string that a previous run cannot have used. */
export function newEpoch(): string {
  return crypto.randomUUID();
}

/**
 * Keeps the status in this process only: a restart starts a new epoch at
 * version 0, and another process has its own truth.
 */
export class MemoryStore implements StatusStore {
  readonly kind = "memory";
  readonly hub: StateHub;
  #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
    this.hub = new StateHub({
      status: INITIAL_STATUS,
      version: 0,
      epoch: newEpoch(),
      updatedAt: now().toISOString(),
    }, []);
  }

  update(request: UpdateRequest): Promise<UpdateResult> {
    const step = transition(this.hub.state, request, this.#now());
    if (step.kind === "changed") {
      this.hub.apply(step.state, appendChange(this.hub.history, step.change));
    }
    return Promise.resolve({ kind: step.kind, state: step.state });
  }

  healthy(): boolean {
    return true;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
