/**
 * Leader election over a BroadcastChannel alone, for pages where the Web
 * Locks API is missing (it exists only in secure contexts, so a page served
 * over plain HTTP to another host has none). The leader beats; a tab that
 * hears no beat for a while takes over; when two lead, the older tab wins,
 * so a new tab never displaces a working leader. Pure: the caller owns the
 * timers and the channel.
 */

/** How often the leader says it is alive. */
export const BEAT_MS = 1_000;
/** Silence after which the leader is taken for gone. */
export const DEAD_MS = 3_000;
/** How long a new tab listens for a leader before it takes the lead itself. */
export const FIRST_LISTEN_MS = 300;

/** One tab's view of the election. */
export interface Election {
  /** Lower is older; the oldest leader wins a tie. */
  id: number;
  leader: boolean;
  /** When a leader was last heard (or, at first, the deadline is set so). */
  heardAt: number;
}

/** What happened. */
export type ElectionInput =
  | { type: "tick"; now: number }
  | { type: "beat"; from: number; now: number }
  /** A leader answered or sent news (it is alive, whoever it is). */
  | { type: "heard"; now: number }
  | { type: "bye"; from: number; now: number };

/** The new view and what the tab must do about it. */
export interface ElectionStep {
  election: Election;
  /** Send a beat now. */
  beat: boolean;
  /** Start polling (this tab became the leader). */
  start: boolean;
  /** Stop polling (another tab leads). */
  stop: boolean;
}

/** A new tab: it claims the lead after {@link FIRST_LISTEN_MS} unless a leader beats first. */
export function newElection(id: number, now: number): Election {
  return { id, leader: false, heardAt: now - DEAD_MS + FIRST_LISTEN_MS };
}

function claim(election: Election): ElectionStep {
  return {
    election: { ...election, leader: true },
    beat: true,
    start: true,
    stop: false,
  };
}

function same(election: Election, beat = false): ElectionStep {
  return { election, beat, start: false, stop: false };
}

/** The decision for one input. */
export function stepElection(
  election: Election,
  input: ElectionInput,
): ElectionStep {
  switch (input.type) {
    case "tick":
      if (election.leader) return same(election, true);
      return input.now - election.heardAt >= DEAD_MS
        ? claim(election)
        : same(election);
    case "beat":
      if (input.from === election.id) return same(election);
      if (!election.leader) {
        return same({ ...election, heardAt: input.now });
      }
      if (input.from < election.id) {
        // An older leader exists: hand over to it.
        return {
          election: { ...election, leader: false, heardAt: input.now },
          beat: false,
          start: false,
          stop: true,
        };
      }
      // A younger tab thinks it leads: answer at once so that it steps down.
      return same(election, true);
    case "heard":
      return election.leader
        ? same(election)
        : same({ ...election, heardAt: input.now });
    case "bye":
      if (election.leader || input.from === election.id) return same(election);
      // The leader left: take over now; if several do, the beats sort it out.
      return claim(election);
  }
}
