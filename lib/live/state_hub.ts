import { Broadcaster, type WaitOutcome } from "./broadcaster.ts";
import type { Deadlines } from "./deadlines.ts";
import type { StoredIdentity } from "../domain/task_identity.ts";
import { changesSince, type Missed } from "../domain/history.ts";
import type { Change, PollAnswer, TaskState } from "../domain/task_state.ts";
import { serialize } from "../domain/serialize.ts";

/** Why held polls are being answered. */
export type AnnouncementReason = "changed" | "reset" | "shutdown";

/**
 * What every held poll receives when it is woken: one body, serialised once
 * for all of them (they all waited at the same version).
 */
export interface Announcement {
  reason: AnnouncementReason;
  version: number;
  body: string;
  /** `performance.now()` when the waiters were woken. */
  publishedAt: number;
  /** Waiters that have neither answered yet nor left before their turn. */
  pending: number;
  /** Called once every waiter has answered or left, with the ms since `publishedAt`. */
  onAllAnswered?: (ms: number) => void;
}

/** One waiter of `announcement` is through: it answered, or left before its turn. */
export function settled(announcement: Announcement): void {
  if (--announcement.pending === 0) {
    announcement.onAllAnswered?.(performance.now() - announcement.publishedAt);
  }
}

/**
 * The latest state this process knows, its history, and the polls waiting
 * for the next change. Every store feeds it; each version is announced
 * once, however it arrived (a local update, a database watch, a pub/sub
 * message).
 */
export class StateHub {
  #state: TaskState;
  #history: readonly Change[];
  #waiters: Broadcaster<Announcement>;
  #stateJson: string | undefined;
  /**
   * The identity the task stores, as last read with its state (the stores
   * keep it current; changing it wakes nobody: polls carry no identity).
   */
  identity: StoredIdentity | undefined;

  /** `deadlines` times out the held polls; hubs of one process share it (one timer for all). */
  constructor(
    state: TaskState,
    history: readonly Change[],
    deadlines?: Deadlines,
  ) {
    this.#state = state;
    this.#history = history;
    this.#waiters = new Broadcaster(deadlines);
  }

  /** The latest state known to this process. */
  get state(): TaskState {
    return this.#state;
  }

  /** The latest state as JSON, serialised once per state. */
  get stateJson(): string {
    return this.#stateJson ??= serialize(this.#state);
  }

  /** The kept history, oldest first. */
  get history(): readonly Change[] {
    return this.#history;
  }

  /** Polls held now. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** The changes after `version`, from the kept history. */
  changesSince(version: number): Missed {
    return changesSince(this.#history, version);
  }

  /**
   * Takes a newer state (and its history) and wakes every held poll.
   * A state that is not newer than the one held is ignored, so the same
   * version arriving twice is announced once. Returns the announcement, or
   * undefined when nothing was new.
   */
  apply(
    state: TaskState,
    history: readonly Change[],
  ): Announcement | undefined {
    const previous = this.#state;
    const sameEpoch = state.epoch === previous.epoch;
    if (sameEpoch && state.version <= previous.version) return undefined;
    this.#state = state;
    this.#stateJson = undefined;
    this.#history = history;
    if (!sameEpoch) return this.#announce("reset", { ...state, reset: true });
    const missed = changesSince(history, previous.version);
    const answer: PollAnswer = { ...state, changes: missed.changes };
    if (missed.truncated) answer.truncated = true;
    return this.#announce("changed", answer);
  }

  /** Answers every held poll with the current state (the server is stopping). */
  release(): Announcement {
    return this.#announce("shutdown", this.#state);
  }

  /**
   * Holds a poll until the next announcement, the abort, or the timeout
   * (which may come up to `slackMs` sooner).
   */
  hold(
    timeoutMs: number,
    signal?: AbortSignal,
    slackMs = 0,
  ): Promise<WaitOutcome<Announcement>> {
    return this.#waiters.wait(timeoutMs, signal, slackMs);
  }

  /**
   * Calls `onAnnouncement` with the next announcement, once, unless the
   * returned function removes it first (a poll of several tasks listens to
   * each of their hubs).
   */
  listen(
    onAnnouncement: (announcement: Announcement) => boolean | void,
  ): () => void {
    return this.#waiters.listen(onAnnouncement);
  }

  #announce(reason: AnnouncementReason, answer: PollAnswer): Announcement {
    const announcement: Announcement = {
      reason,
      version: answer.version,
      body: serialize(answer),
      publishedAt: performance.now(),
      pending: 0,
    };
    announcement.pending = this.#waiters.publish(
      announcement,
      () => settled(announcement),
    );
    return announcement;
  }
}
