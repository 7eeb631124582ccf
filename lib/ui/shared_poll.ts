/**
 * One long poll per browser: the tabs of the page elect a leader with the
 * Web Locks API; the leader polls and tells the others over a
 * BroadcastChannel. Browsers open about six HTTP/1.1 connections per host,
 * so without this a seventh tab would hang. When the leader closes, its
 * lock is released and the next tab in the lock's queue takes over at once.
 * Where Web Locks are missing, beats over the channel elect the leader.
 */
import {
  BEAT_MS,
  type Election,
  type ElectionInput,
  FIRST_LISTEN_MS,
  newElection,
  stepElection,
} from "./election.ts";

/**
 * What tabs say to each other: `E` is an event of the leader's poll, `S`
 * what a tab knows (the leader's answer to a new tab).
 */
export type PeerMessage<E, S> =
  /** Leader → all: an event of its poll. */
  | { type: "event"; event: E }
  /** Leader → all: what it knows now (answers `hello`). */
  | { type: "sync"; sync: S }
  /** A new tab → leader: tell me what you know. */
  | { type: "hello" }
  /** A tab → leader: the network is back or I became visible; stop waiting. */
  | { type: "wake" }
  /** Without Web Locks, the leader → all: I am alive (see election.ts). */
  | { type: "beat"; from: number }
  /** Without Web Locks, the leader → all: I am leaving. */
  | { type: "bye"; from: number };

/** Whether this tab polls or listens. */
export type Role = "leader" | "follower";

/** What a tab does on a message from another. */
export type PeerReaction<E, S> =
  | { do: "apply"; event: E }
  | { do: "adopt"; sync: S }
  | { do: "send-sync" }
  | { do: "retry-now" }
  | { do: "nothing" };

/** The decision table: leaders answer questions, followers take news. */
export function reactTo<E, S>(
  role: Role,
  message: PeerMessage<E, S>,
): PeerReaction<E, S> {
  // Beats and byes belong to the election, not to the poll.
  if (message.type === "beat" || message.type === "bye") {
    return { do: "nothing" };
  }
  if (role === "leader") {
    if (message.type === "hello") return { do: "send-sync" };
    if (message.type === "wake") return { do: "retry-now" };
    // Two leaders cannot hold the lock at once; anything else is an echo.
    return { do: "nothing" };
  }
  if (message.type === "event") return { do: "apply", event: message.event };
  if (message.type === "sync") return { do: "adopt", sync: message.sync };
  return { do: "nothing" };
}

/** Checks what another tab sent (another version of the page may share the channel during a deploy). */
export interface PeerParsers<E, S> {
  event(value: unknown): E | undefined;
  sync(value: unknown): S | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Reads a message from another tab: the message, or undefined if it is not one. */
export function parsePeerMessage<E, S>(
  data: unknown,
  parsers: PeerParsers<E, S>,
): PeerMessage<E, S> | undefined {
  if (!isObject(data)) return undefined;
  switch (data.type) {
    case "hello":
    case "wake":
      return { type: data.type };
    case "beat":
    case "bye":
      return typeof data.from === "number"
        ? { type: data.type, from: data.from }
        : undefined;
    case "event": {
      const event = parsers.event(data.event);
      return event === undefined ? undefined : { type: "event", event };
    }
    case "sync": {
      const sync = parsers.sync(data.sync);
      return sync === undefined ? undefined : { type: "sync", sync };
    }
    default:
      return undefined;
  }
}

/** What the shared poll needs from the page. */
export interface SharedPollHooks<E, S> {
  /**
   * Starts this tab's own poll (it is the leader now, until `signal`
   * aborts); `resume` is true when another tab polled before and this tab
   * continues from what it was told. Returns the hook that cuts a backoff short.
   */
  lead(
    signal: AbortSignal,
    publish: (event: E) => void,
    resume: boolean,
  ): { retryNow(): void };
  /** An event to show, from this tab's poll or the leader's. */
  apply(event: E): void;
  /** What the leader told a new tab. */
  adopt(sync: S): void;
  /** What this tab knows now (told to new tabs when leading). */
  current(): S;
  /** Checks messages from other tabs. */
  parsers: PeerParsers<E, S>;
}

/** A tab's membership of the shared poll. */
export interface SharedPoll {
  /** Retries now if the poll is waiting out a backoff, whichever tab polls. */
  wake(): void;
  /** This tab's role now. */
  role(): Role;
}

/** The part of `navigator.locks` used here (absent outside secure contexts). */
export interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: () => Promise<void>,
  ): Promise<unknown>;
}

/**
 * Joins the tabs sharing `name`, electing the leader with `locks`
 * (`navigator.locks` in a page), or, where the page has no Web Locks (not
 * a secure context), with beats over the channel. Without BroadcastChannel
 * every tab polls on its own.
 */
export function joinSharedPoll<E, S>(
  name: string,
  hooks: SharedPollHooks<E, S>,
  signal: AbortSignal,
  locks: LockManagerLike | undefined,
): SharedPoll {
  let role: Role = "follower";
  let leading: { retryNow(): void } | undefined;
  let leadership: AbortController | undefined;
  let toldByPeer = false;
  let election: Election | undefined;
  const channel = typeof BroadcastChannel === "function"
    ? new BroadcastChannel(name)
    : undefined;

  const post = (message: PeerMessage<E, S>) => channel?.postMessage(message);
  const publish = (event: E) => {
    hooks.apply(event);
    post({ type: "event", event });
  };
  const lead = () => {
    role = "leader";
    leadership = new AbortController();
    leading = hooks.lead(
      AbortSignal.any([signal, leadership.signal]),
      publish,
      toldByPeer,
    );
  };
  const follow = () => {
    role = "follower";
    leadership?.abort();
    leadership = leading = undefined;
    // It knows the state: should it lead again, it resumes from there.
    toldByPeer = true;
  };
  const elect = (input: ElectionInput) => {
    if (election === undefined) return;
    const step = stepElection(election, input);
    election = step.election;
    if (step.stop) follow();
    if (step.start) lead();
    if (step.beat) post({ type: "beat", from: election.id });
  };

  if (channel === undefined) {
    lead();
    return { wake: () => leading?.retryNow(), role: () => role };
  }

  channel.onmessage = (message: MessageEvent) => {
    const parsed = parsePeerMessage(message.data, hooks.parsers);
    if (parsed === undefined) return;
    if (parsed.type === "beat" || parsed.type === "bye") {
      elect({ type: parsed.type, from: parsed.from, now: Date.now() });
      return;
    }
    const reaction = reactTo(role, parsed);
    switch (reaction.do) {
      case "apply":
        toldByPeer = true;
        elect({ type: "heard", now: Date.now() });
        hooks.apply(reaction.event);
        break;
      case "adopt":
        toldByPeer = true;
        elect({ type: "heard", now: Date.now() });
        hooks.adopt(reaction.sync);
        break;
      case "send-sync":
        post({ type: "sync", sync: hooks.current() });
        break;
      case "retry-now":
        leading?.retryNow();
        break;
    }
  };

  if (locks !== undefined) {
    locks.request(name, { signal }, () => {
      lead();
      // Held until the page goes away: then the browser hands the lock on.
      return new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => resolve(), { once: true })
      );
    }).catch(() => {
      // Aborted while still queued: the page is going away.
    });
    signal.addEventListener("abort", () => channel.close(), { once: true });
  } else {
    election = newElection(Date.now() + Math.random(), Date.now());
    const tick = () => elect({ type: "tick", now: Date.now() });
    const first = setTimeout(tick, FIRST_LISTEN_MS);
    const beats = setInterval(tick, BEAT_MS);
    const leave = () => {
      if (role === "leader" && election) {
        post({ type: "bye", from: election.id });
      }
    };
    addEventListener("pagehide", leave);
    signal.addEventListener("abort", () => {
      leave();
      clearTimeout(first);
      clearInterval(beats);
      removeEventListener("pagehide", leave);
      channel.close();
    }, { once: true });
  }
  post({ type: "hello" });

  return {
    wake() {
      if (role === "leader") leading?.retryNow();
      else post({ type: "wake" });
    },
    role: () => role,
  };
}
