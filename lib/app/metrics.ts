import { POLL_OUTCOMES, type PollOutcome } from "../domain/poll_rule.ts";
import { type Announcement, settled } from "../live/state_hub.ts";

/** Upper bounds (seconds) of the fan-out histogram's buckets. */
const FANOUT_BUCKETS = [
  0.001,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
];

/**
 * Counters kept where things happen (an update, an answered poll), so a
 * scrape only formats them.
 */
export class Metrics {
  updatesTotal = 0;
  readonly polls: Record<PollOutcome, number> = Object.fromEntries(
    POLL_OUTCOMES.map((o) => [o, 0]),
  ) as Record<PollOutcome, number>;
  readonly #fanoutCounts = FANOUT_BUCKETS.map(() => 0);
  #fanoutCount = 0;
  #fanoutSum = 0;

  /** Counts an answered poll. */
  poll(outcome: PollOutcome): void {
    this.polls[outcome]++;
  }

  /**
   * Counts a poll answered with `announcement`, and the fan-out's time once
   * the last of its polls is through (answered, or gone before its turn).
   */
  answered(announcement: Announcement): void {
    this.poll(announcement.reason);
    announcement.onAllAnswered ??= (ms) => this.fanout(ms / 1000);
    settled(announcement);
  }

  /** Records the time from an update to its last woken poll answering. */
  fanout(seconds: number): void {
    this.#fanoutCount++;
    this.#fanoutSum += seconds;
    for (let i = 0; i < FANOUT_BUCKETS.length; i++) {
      if (seconds <= FANOUT_BUCKETS[i]) this.#fanoutCounts[i]++;
    }
  }

  /** The Prometheus text exposition of these counters and the live gauges. */
  render(
    gauges: {
      version: number;
      waiters: number;
      storeUp: boolean;
      /** Tasks whose state this process keeps for polls (the `default` task's among them). */
      watchedTasks?: number;
    },
  ): string {
    const lines = [
      "# HELP status_version Current version of the default task's status.",
      "# TYPE status_version gauge",
      `status_version ${gauges.version}`,
      "# HELP status_waiters Polls held now, of every task.",
      "# TYPE status_waiters gauge",
      `status_waiters ${gauges.waiters}`,
      ...(gauges.watchedTasks === undefined ? [] : [
        "# HELP status_watched_tasks Tasks whose state this process keeps for held polls.",
        "# TYPE status_watched_tasks gauge",
        `status_watched_tasks ${gauges.watchedTasks}`,
      ]),
      "# HELP status_store_up 1 when the store can take updates.",
      "# TYPE status_store_up gauge",
      `status_store_up ${gauges.storeUp ? 1 : 0}`,
      "# HELP status_updates_total Updates that changed a status.",
      "# TYPE status_updates_total counter",
      `status_updates_total ${this.updatesTotal}`,
      "# HELP status_poll_answers_total Poll answers by outcome.",
      "# TYPE status_poll_answers_total counter",
      ...POLL_OUTCOMES.map((o) =>
        `status_poll_answers_total{outcome="${o}"} ${this.polls[o]}`
      ),
      "# HELP status_fanout_seconds Time from an update to the last held poll answered.",
      "# TYPE status_fanout_seconds histogram",
      ...FANOUT_BUCKETS.map((b, i) =>
        `status_fanout_seconds_bucket{le="${b}"} ${this.#fanoutCounts[i]}`
      ),
      `status_fanout_seconds_bucket{le="+Inf"} ${this.#fanoutCount}`,
      `status_fanout_seconds_sum ${this.#fanoutSum}`,
      `status_fanout_seconds_count ${this.#fanoutCount}`,
    ];
    return lines.join("\n") + "\n";
  }
}
