import assert from "node:assert/strict";
import type { Status } from "../../lib/domain/statuses.ts";
import type { TaskState } from "../../lib/domain/task_state.ts";
import {
  boardReducer,
  countByStatus,
  initialBoardState,
  mergeStates,
} from "../../lib/ui/board_state.ts";

function state(status: Status, version: number, epoch = "e1"): TaskState {
  return { status, version, epoch, updatedAt: "2024-06-01T12:00:00.000Z" };
}

Deno.test("a board takes each task's newer state, and only for its own tasks", () => {
  const states = { a: state("En cours", 3), b: state("En attente", 0) };
  const merged = mergeStates(states, {
    a: state("Terminée", 4),
    b: state("En attente", 0),
    z: state("Échec", 1),
  });
  assert.deepEqual(merged, {
    a: state("Terminée", 4),
    b: state("En attente", 0),
  });
  // An older echo, or nothing new, keeps the same object (no re-render).
  assert.equal(mergeStates(states, { a: state("En attente", 2) }), states);
  // Another epoch (the task was deleted or started over) is taken whatever its version.
  assert.deepEqual(
    mergeStates(states, { a: state("En attente", 0, "e2") }).a,
    state("En attente", 0, "e2"),
  );
});

Deno.test("the board is cut off from the first failure until it is live again", () => {
  const live = boardReducer(initialBoardState({}), {
    type: "event",
    event: { type: "connected" },
  });
  const cut = boardReducer(live, {
    type: "event",
    event: {
      type: "reconnecting",
      attempt: 1,
      failedAt: 500,
      retryAt: 900,
      reason: "serveur injoignable",
      unreachable: true,
    },
  });
  assert.equal(cut.cutSince, 500);
  assert.equal(cut.connection.kind, "reconnecting");
  const back = boardReducer(cut, {
    type: "event",
    event: { type: "connected" },
  });
  assert.equal(back.cutSince, undefined);
  const offline = boardReducer(back, {
    type: "network",
    online: false,
    at: 700,
  });
  assert.equal(offline.cutSince, 700);
});

Deno.test("the board counts its tasks per status, in the statuses' order", () => {
  assert.deepEqual(
    countByStatus({
      a: state("Échec", 1),
      b: state("En cours", 1),
      c: state("Échec", 2),
    }),
    [{ status: "En cours", count: 1 }, { status: "Échec", count: 2 }],
  );
});
