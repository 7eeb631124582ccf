import type { Change, TaskState } from "./state.ts";
import type { UpdateRequest } from "./store.ts";

/** What an update request does to a state, decided without I/O. */
export type Transition =
  | { kind: "conflict" | "unchanged"; state: TaskState }
  | { kind: "changed"; state: TaskState; change: Change };

/**
 * Decides an update: a stale `expectedVersion` is a conflict, the status it
 * already has changes nothing, anything else is the next version.
 */
export function transition(
  current: TaskState,
  request: UpdateRequest,
  now: Date,
): Transition {
  if (
    request.expectedVersion !== undefined &&
    request.expectedVersion !== current.version
  ) {
    return { kind: "conflict", state: current };
  }
  if (request.status === current.status) {
    return { kind: "unchanged", state: current };
  }
  const at = now.toISOString();
  const version = current.version + 1;
  return {
    kind: "changed",
    state: {
      status: request.status,
      version,
      epoch: current.epoch,
      updatedAt: at,
    },
    change: { version, status: request.status, at },
  };
}
