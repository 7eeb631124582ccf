import assert from "node:assert/strict";
import {
  BEAT_MS,
  DEAD_MS,
  type Election,
  FIRST_LISTEN_MS,
  newElection,
  stepElection,
} from "../../lib/ui/election.ts";

const T = 1_000_000;

Deno.test("a new tab listens a moment, then leads if nobody beat", async (t) => {
  const fresh = newElection(5, T);
  await t.step("not before its first listening time", () => {
    const step = stepElection(fresh, {
      type: "tick",
      now: T + FIRST_LISTEN_MS - 1,
    });
    assert.equal(step.election.leader, false);
    assert.equal(step.start, false);
  });
  await t.step("then it claims the lead and beats", () => {
    const step = stepElection(fresh, {
      type: "tick",
      now: T + FIRST_LISTEN_MS,
    });
    assert.deepEqual(step, {
      election: { ...fresh, leader: true },
      beat: true,
      start: true,
      stop: false,
    });
  });
  await t.step("a beat heard first keeps it a follower", () => {
    const heard = stepElection(fresh, { type: "beat", from: 1, now: T + 10 });
    assert.equal(heard.election.heardAt, T + 10);
    const later = stepElection(heard.election, {
      type: "tick",
      now: T + 10 + DEAD_MS - 1,
    });
    assert.equal(later.start, false);
  });
});

Deno.test("a leader's answer counts as a beat for a follower", () => {
  const fresh = newElection(5, T);
  const heard = stepElection(fresh, { type: "heard", now: T + 20 });
  assert.equal(heard.election.heardAt, T + 20);
  assert.equal(
    stepElection(heard.election, { type: "tick", now: T + 1_000 }).start,
    false,
  );
  const leader: Election = { id: 1, leader: true, heardAt: T };
  assert.equal(
    stepElection(leader, { type: "heard", now: T + 20 }).election,
    leader,
  );
});

Deno.test("a leader beats on every tick", () => {
  const leader: Election = { id: 1, leader: true, heardAt: T };
  const step = stepElection(leader, { type: "tick", now: T + BEAT_MS });
  assert.deepEqual(step, {
    election: leader,
    beat: true,
    start: false,
    stop: false,
  });
});

Deno.test("a silent leader is replaced after DEAD_MS", () => {
  const follower: Election = { id: 9, leader: false, heardAt: T };
  assert.equal(
    stepElection(follower, { type: "tick", now: T + DEAD_MS - 1 }).start,
    false,
  );
  assert.equal(
    stepElection(follower, { type: "tick", now: T + DEAD_MS }).start,
    true,
  );
});

Deno.test("when two lead, the older tab wins", async (t) => {
  await t.step("the younger steps down and stops polling", () => {
    const young: Election = { id: 9, leader: true, heardAt: T };
    const step = stepElection(young, { type: "beat", from: 3, now: T + 5 });
    assert.deepEqual(step, {
      election: { id: 9, leader: false, heardAt: T + 5 },
      beat: false,
      start: false,
      stop: true,
    });
  });
  await t.step("the older answers at once so that the younger hears it", () => {
    const old: Election = { id: 3, leader: true, heardAt: T };
    const step = stepElection(old, { type: "beat", from: 9, now: T + 5 });
    assert.deepEqual(step, {
      election: old,
      beat: true,
      start: false,
      stop: false,
    });
  });
  await t.step("its own beat echoed changes nothing", () => {
    const old: Election = { id: 3, leader: true, heardAt: T };
    assert.equal(
      stepElection(old, { type: "beat", from: 3, now: T }).beat,
      false,
    );
  });
});

Deno.test("a leader's goodbye lets a follower take over at once", () => {
  const follower: Election = { id: 9, leader: false, heardAt: T };
  const step = stepElection(follower, { type: "bye", from: 3, now: T + 1 });
  assert.equal(step.election.leader, true);
  assert.equal(step.start, true);
  assert.equal(step.beat, true);
  const leader: Election = { id: 3, leader: true, heardAt: T };
  assert.equal(
    stepElection(leader, { type: "bye", from: 9, now: T }).start,
    false,
  );
});
