import { appendChange } from "../domain/history.ts";
import { StateHub } from "../live/state_hub.ts";
import { newEpoch } from "../domain/stored_record.ts";
import { INITIAL_STATUS } from "../domain/statuses.ts";
import type { StatusStore } from "./status_store.ts";
import type { UpdateRequest, UpdateResult } from "../domain/update_rule.ts";
import { transition } from "../domain/update_rule.ts";

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
