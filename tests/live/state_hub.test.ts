import assert from "node:assert/strict";
import type { Change, TaskState } from "../../lib/domain/task_state.ts";
import { StateHub } from "../../lib/live/state_hub.ts";
import type { Status } from "../../lib/domain/statuses.ts";

const epoch = "e1";
const start: TaskState = {
  status: "En attente",
  version: 0,
  epoch,
  updatedAt: "2026-01-01T00:00:00.000Z",
};

/** The state after `version` changes, and the history that led to it. */
function at(
  version: number,
  status: Status,
  history: Change[] = [],
): [TaskState, Change[]] {
  const updatedAt = `2026-01-01T00:00:0${version}.000Z`;
  const next = [...history, {
    version,
    status,
    at: updatedAt,
    source: "api" as const,
  }];
  return [{ status, version, epoch, updatedAt }, next];
}

Deno.test("state hub: a newer state wakes every held poll with one body listing what they missed", async () => {
  const hub = new StateHub(start, []);
  const held = [hub.hold(5_000), hub.hold(5_000)];
  const [state, history] = at(1, "En cours");
  const announcement = hub.apply(state, history);
  assert.equal(announcement?.reason, "changed");
  assert.equal(announcement?.pending, 2);
  for (const outcome of await Promise.all(held)) {
    assert.equal(outcome.kind, "changed");
    assert.equal(outcome.kind === "changed" && outcome.value, announcement);
  }
  assert.deepEqual(JSON.parse(announcement!.body), {
    ...state,
    changes: history,
  });
  assert.equal(hub.waiting, 0);
});

Deno.test("state hub: the same version arriving twice is announced once", () => {
  const hub = new StateHub(start, []);
  const [state, history] = at(1, "En cours");
  assert.ok(hub.apply(state, history));
  const held = hub.hold(5_000);
  assert.equal(hub.apply(state, history), undefined);
  assert.equal(hub.apply(start, []), undefined, "an older state is ignored");
  assert.equal(hub.waiting, 1, "the held poll is still waiting");
  assert.deepEqual(hub.state, state);
  hub.release();
  return held.then((outcome) => assert.equal(outcome.kind, "changed"));
});

Deno.test("state hub: a state of another epoch resets held polls, whatever its version", async () => {
  const hub = new StateHub(at(3, "Échec")[0], []);
  const held = hub.hold(5_000);
  const fresh: TaskState = { ...start, epoch: "e2" };
  const announcement = hub.apply(fresh, []);
  assert.equal(announcement?.reason, "reset");
  assert.deepEqual(JSON.parse(announcement!.body), { ...fresh, reset: true });
  const outcome = await held;
  assert.equal(outcome.kind === "changed" && outcome.value.reason, "reset");
});

Deno.test("state hub: release answers held polls with the current state", async () => {
  const hub = new StateHub(start, []);
  const held = hub.hold(5_000);
  const announcement = hub.release();
  assert.equal(announcement.reason, "shutdown");
  assert.deepEqual(JSON.parse(announcement.body), start);
  assert.equal((await held).kind, "changed");
});

Deno.test("state hub: the state's JSON follows the state", () => {
  const hub = new StateHub(start, []);
  assert.deepEqual(JSON.parse(hub.stateJson), start);
  const [state, history] = at(1, "Terminée");
  hub.apply(state, history);
  assert.deepEqual(JSON.parse(hub.stateJson), state);
});
