import type { StoreHealthReport } from "./status_store.ts";
import { within } from "./store_deadline.ts";

/** An error as one readable line, for health reports and logs. */
export function describeFault(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replaceAll(/\s*\n\s*/g, " ").trim() || String(error);
}

/** How long a confirmed write vouches for the store when health is checked. */
export const HEALTH_FRESH_MS = 1_000;

/** Options for {@link StoreHealth}. */
export interface StoreHealthOptions {
  /** Starts every log line, e.g. `kv store`. */
  name: string;
  /**
   * A small write that proves updates can be stored now; rejects with what
   * failed. Never run twice at once.
   */
  probe: () => Promise<void>;
  /** A probe that has not answered within this has failed. */
  timeoutMs: number;
  /** Pause between probes while unhealthy. */
  retryMs: number;
  /** A write confirmed this recently needs no probe (default {@link HEALTH_FRESH_MS}). */
  freshMs?: number;
  /** Where the first failure of an outage and the recovery are told (default `console.error`). */
  log?: (line: string) => void;
  /** A monotonic clock in milliseconds (default `performance.now`). */
  now?: () => number;
}

/**
 * A store's fault bookkeeping. A failure makes the store unhealthy, with the
 * reason as one readable line; only a write that began after the last
 * failure and succeeded makes it healthy again (reads prove nothing: a full
 * disk still reads). While unhealthy, a probe write runs every `retryMs`, so
 * health comes back without waiting for an update; a probe that does not
 * answer in time is waited for before the next, so probes never pile up
 * behind a stuck store. While healthy, a health check with no write
 * succeeded for `freshMs` probes first, so an idle store that froze or
 * filled its disk is found out when someone asks.
 *
 * Each write is bracketed: `const mark = health.begin()`, then
 * `health.succeeded(mark)` or `health.failed(reason)`.
 */
export class StoreHealth {
  #name: string;
  #probeWrite: () => Promise<void>;
  #timeoutMs: number;
  #retryMs: number;
  #freshMs: number;
  #log: (line: string) => void;
  #now: () => number;
  #fault: string | undefined;
  /** Failures so far: a write that began before the last one proves nothing. */
  #failures = 0;
  #confirmedAt = Number.NEGATIVE_INFINITY;
  /** The probe under way (it never rejects), until it settles. */
  #underWay: Promise<void> | undefined;
  /** The same probe, bounded by the deadline (a timeout recorded as a failure). */
  #bounded: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: StoreHealthOptions) {
    this.#name = options.name;
    this.#probeWrite = options.probe;
    this.#timeoutMs = options.timeoutMs;
    this.#retryMs = options.retryMs;
    this.#freshMs = options.freshMs ?? HEALTH_FRESH_MS;
    this.#log = options.log ?? ((line) => console.error(line));
    this.#now = options.now ?? (() => performance.now());
  }

  /** True from the start or the last successful write until a failure. */
  get healthy(): boolean {
    return !this.#closed && this.#fault === undefined;
  }

  /** Whether a probe is scheduled or under way (false once healthy and idle, or closed and settled). */
  get armed(): boolean {
    return this.#timer !== undefined || this.#underWay !== undefined;
  }

  /** Whether the store takes updates, as last seen, and if not why. */
  report(): StoreHealthReport {
    if (this.#closed) return { ok: false, reason: "the store is closed" };
    return this.#fault === undefined
      ? { ok: true }
      : { ok: false, reason: this.#fault };
  }

  /** Marks the start of a write; hand the mark to {@link succeeded}. */
  begin(): number {
    return this.#failures;
  }

  /** A write begun at `mark` succeeded: healthy again, unless a failure came since it began. */
  succeeded(mark: number): void {
    if (this.#closed || mark !== this.#failures) return;
    this.#confirmedAt = this.#now();
    if (this.#fault === undefined) return;
    this.#fault = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#log(`${this.#name}: working again`);
  }

  /** Records a failure: unhealthy with this reason (logged once per outage), probed until a write succeeds. */
  failed(reason: string): void {
    if (this.#closed) return;
    this.#failures++;
    if (this.#fault === undefined) this.#log(`${this.#name}: ${reason}`);
    this.#fault = reason;
    this.#schedule(this.#retryMs);
  }

  /**
   * The health now. While healthy, if no write succeeded within `freshMs`,
   * a probe write finds out first (callers share it); resolves within
   * `timeoutMs` either way.
   */
  async check(): Promise<StoreHealthReport> {
    if (
      this.healthy && this.#now() - this.#confirmedAt >= this.#freshMs
    ) {
      await this.#probe();
    }
    return this.report();
  }

  /** Probes at once instead of after the pause (a connection came back). */
  nudge(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#schedule(0);
  }

  /** Stops probing (health says closed from now on); resolves once no probe is under way. */
  close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.#underWay ?? Promise.resolve();
  }

  /** Runs the probe, or joins the one under way; its outcome is recorded. */
  #probe(): Promise<void> {
    if (this.#bounded !== undefined) return this.#bounded;
    const mark = this.begin();
    // Started on a fresh microtask, so a probe that throws at once is a failure too.
    const underWay = Promise.resolve().then(() => this.#probeWrite()).then(
      () => this.succeeded(mark),
      (error) => this.failed(describeFault(error)),
    ).finally(() => {
      this.#underWay = undefined;
      this.#bounded = undefined;
    });
    this.#underWay = underWay;
    this.#bounded = within(
      underWay,
      this.#timeoutMs,
      `no answer within ${this.#timeoutMs} ms`,
    ).catch((error) => this.failed(describeFault(error)));
    return this.#bounded;
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#retry();
    }, ms);
  }

  async #retry(): Promise<void> {
    if (this.#closed || this.#fault === undefined) return;
    await this.#probe();
    // A probe past its deadline is still under way: the next one waits for it.
    await this.#underWay;
    if (this.#fault !== undefined) this.#schedule(this.#retryMs);
  }
}
