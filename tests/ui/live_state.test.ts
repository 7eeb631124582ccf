import assert from "node:assert/strict";
import type { WatchEvent } from "../../lib/client/events.ts";
import { PollStalledError } from "../../lib/client/errors.ts";
import type { TaskState } from "../../lib/domain/task_state.ts";
import type { Status } from "../../lib/domain/statuses.ts";
import {
  initialLiveState,
  type LiveAction,
  type LiveEvent,
  liveReducer,
  type LiveState,
  toLiveEvent,
} from "../../lib/ui/live_state.ts";

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);

function task(status: Status, version: number, epoch = "e1"): TaskState {
  return {
    status,
    version,
    epoch,
    updatedAt: new Date(T0 + version * 1000).toISOString(),
  };
}

function run(start: LiveState, ...events: LiveEvent[]): LiveState {
  return events.reduce(
    (state, event, i) =>
      liveReducer(state, { type: "event", event, at: T0 + i }),
    start,
  );
}

function kinds(state: LiveState): string[] {
  return state.log.map((entry) => entry.kind);
}

Deno.test("a rendered page starts connecting with an empty log", () => {
  const state = initialLiveState(task("En cours", 2));
  assert.deepEqual(state.connection, { kind: "connecting" });
  assert.deepEqual(state.log, []);
  assert.equal(state.online, true);
});

Deno.test("changes are applied in order, each logged, newest first", () => {
  const state = run(
    initialLiveState(task("En attente", 0)),
    { type: "change", from: "En attente", state: task("En cours", 1) },
    { type: "change", from: "En cours", state: task("Terminée", 2) },
  );
  assert.equal(state.task.status, "Terminée");
  assert.equal(state.task.version, 2);
  assert.deepEqual(
    state.log.map((e) => e.kind === "change" && [e.from, e.to, e.version]),
    [["En cours", "Terminée", 2], ["En attente", "En cours", 1]],
  );
  // The time of a change is the server's time of it.
  assert.equal(state.log[1].at, T0 + 1000);
});

Deno.test("a change already shown (another tab's echo) changes nothing", () => {
  const start = run(
    initialLiveState(task("En attente", 0)),
    { type: "change", from: "En attente", state: task("En cours", 1) },
  );
  const again = run(start, {
    type: "change",
    from: "En attente",
    state: task("En cours", 1),
  });
  assert.equal(again, start);
});

Deno.test("a change after a hole is logged from the status the reader saw", () => {
  const state = run(
    initialLiveState(task("En attente", 0)),
    { type: "change", from: "Échec", state: task("Terminée", 5) },
  );
  const [entry] = state.log;
  assert.ok(entry.kind === "change");
  assert.equal(entry.from, "En attente");
});

Deno.test("a snapshot of what is shown is silent, a newer one is logged as a change", () => {
  const start = initialLiveState(task("En attente", 3));
  assert.equal(
    run(start, { type: "snapshot", state: task("En attente", 3) }),
    start,
  );
  const newer = run(start, { type: "snapshot", state: task("Échec", 4) });
  assert.equal(newer.task.status, "Échec");
  assert.deepEqual(kinds(newer), ["change"]);
  // An older snapshot (a tab that knew less) never moves the page back.
  assert.equal(
    run(newer, { type: "snapshot", state: task("En attente", 3) }),
    newer,
  );
});

Deno.test("a reset resyncs to the server's state and logs it once", () => {
  const start = initialLiveState(task("Terminée", 7, "old"));
  const state = run(
    start,
    { type: "reset", state: task("En attente", 0, "new") },
    { type: "snapshot", state: task("En attente", 0, "new") },
  );
  assert.deepEqual(state.task, task("En attente", 0, "new"));
  assert.deepEqual(kinds(state), ["reset"]);
});

Deno.test("a snapshot from another epoch is a resync too", () => {
  const state = run(
    initialLiveState(task("Terminée", 7, "old")),
    { type: "snapshot", state: task("En cours", 1, "new") },
  );
  assert.equal(state.task.epoch, "new");
  assert.deepEqual(kinds(state), ["reset"]);
});

Deno.test("connection lost is logged once per outage, restored once", () => {
  const failing = (attempt: number): LiveEvent => ({
    type: "reconnecting",
    attempt,
    retryAt: T0 + attempt * 1000,
    reason: "serveur injoignable",
  });
  const state = run(
    initialLiveState(task("En cours", 1)),
    { type: "connected" },
    failing(1),
    failing(2),
    failing(3),
    { type: "connected" },
    { type: "connected" },
  );
  assert.deepEqual(kinds(state), ["restored", "lost"]);
  assert.deepEqual(state.connection, { kind: "live" });
});

Deno.test("reconnecting keeps the attempt and the time of the next try", () => {
  const state = run(initialLiveState(task("En cours", 1)), {
    type: "reconnecting",
    attempt: 4,
    retryAt: T0 + 8000,
    reason: "serveur saturé (503)",
  });
  assert.deepEqual(state.connection, {
    kind: "reconnecting",
    attempt: 4,
    retryAt: T0 + 8000,
    reason: "serveur saturé (503)",
  });
});

Deno.test("missed changes are logged", () => {
  const state = run(initialLiveState(task("En cours", 1)), {
    type: "truncated",
    missed: 3,
  });
  assert.deepEqual(state.log.map((e) => e.kind === "truncated" && e.missed), [
    3,
  ]);
});

Deno.test("the browser going off and on line is logged, repeats are not", () => {
  const actions: LiveAction[] = [
    { type: "network", online: false, at: T0 },
    { type: "network", online: false, at: T0 + 1 },
    { type: "network", online: true, at: T0 + 2 },
  ];
  const state = actions.reduce(
    liveReducer,
    initialLiveState(task("En cours", 1)),
  );
  assert.deepEqual(kinds(state), ["online", "offline"]);
  assert.equal(state.online, true);
});

Deno.test("admin outcomes are logged; clear empties the log", () => {
  let state = initialLiveState(task("En cours", 1));
  state = liveReducer(state, {
    type: "admin",
    status: "Terminée",
    ok: true,
    message: "Statut mis à jour avec succès",
    version: 2,
    at: T0,
  });
  state = liveReducer(state, {
    type: "admin",
    status: "Échec",
    ok: false,
    message: "jeton refusé",
    at: T0 + 1,
  });
  assert.deepEqual(kinds(state), ["admin-error", "admin"]);
  // The status shown waits for the poll: every open page agrees.
  assert.equal(state.task.status, "En cours");
  state = liveReducer(state, { type: "clear" });
  assert.deepEqual(state.log, []);
  const ids = liveReducer(
    liveReducer(state, { type: "network", online: false, at: T0 }),
    { type: "network", online: true, at: T0 },
  ).log.map((e) => e.id);
  assert.equal(new Set(ids).size, 2, "ids stay unique after a clear");
});

Deno.test("a connection told by another tab is taken without a log line", () => {
  const state = liveReducer(initialLiveState(task("En cours", 1)), {
    type: "connection",
    connection: { kind: "live" },
  });
  assert.deepEqual(state.connection, { kind: "live" });
  assert.deepEqual(state.log, []);
});

Deno.test("toLiveEvent makes the client's events plain data", async (t) => {
  const now = 5_000;
  await t.step(
    "reconnecting: absolute retry time and the reason in words",
    () => {
      const event: WatchEvent = {
        type: "reconnecting",
        attempt: 2,
        delayMs: 750,
        error: new PollStalledError(30_000),
      };
      assert.deepEqual(toLiveEvent(event, now), {
        type: "reconnecting",
        attempt: 2,
        retryAt: 5_750,
        reason: "le serveur ne répond plus",
      });
    },
  );
  await t.step("state events keep the state", () => {
    const state = task("Terminée", 3);
    assert.deepEqual(
      toLiveEvent(
        {
          type: "change",
          from: "En cours",
          to: "Terminée",
          version: 3,
          at: state.updatedAt,
          state,
        },
        now,
      ),
      { type: "change", from: "En cours", state },
    );
    assert.deepEqual(
      toLiveEvent({
        type: "reset",
        reason: "epoch",
        previous: task("En cours", 9),
        state,
      }, now),
      { type: "reset", state },
    );
    assert.deepEqual(toLiveEvent({ type: "snapshot", state }, now), {
      type: "snapshot",
      state,
    });
    assert.deepEqual(
      toLiveEvent({ type: "truncated", afterVersion: 1, missed: 2 }, now),
      { type: "truncated", missed: 2 },
    );
    assert.deepEqual(toLiveEvent({ type: "connected" }, now), {
      type: "connected",
    });
  });
  await t.step("the result crosses a structured clone unchanged", () => {
    const event = toLiveEvent(
      {
        type: "reconnecting",
        attempt: 1,
        delayMs: 10,
        error: new TypeError("x"),
      },
      now,
    );
    assert.deepEqual(structuredClone(event), event);
  });
});
