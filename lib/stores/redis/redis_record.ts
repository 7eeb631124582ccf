import { appendChange } from "../../domain/history.ts";
import {
  parseStoredStatus,
  type StoredStatus,
} from "../../domain/stored_record.ts";
import type { Change, TaskState } from "../../domain/task_state.ts";
import type { UpdateResult } from "../../domain/update_rule.ts";
import { DEFAULT_SOURCE } from "../../domain/change_source.ts";

/**
 * Reading what the Redis scripts reply and publish (see redis_scripts.ts),
 * trusting nothing, and deciding what a state that arrives means for the
 * state this process holds. No I/O here.
 */

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A state checked on its own (an empty history fits any version). */
function checkedState(value: unknown): TaskState | undefined {
  return parseStoredStatus({ state: value, history: [] })?.state;
}

/** `[status, version, epoch, updatedAt]` as the scripts send them (the version as decimal text). */
function parseFields(fields: unknown[]): TaskState | undefined {
  const [status, version, epoch, updatedAt] = fields;
  if (typeof version !== "string" || !/^\d{1,16}$/.test(version)) {
    return undefined;
  }
  return checkedState({ status, version: Number(version), epoch, updatedAt });
}

/** The read script's reply: the state and its contiguous history, or undefined. */
export function parseSnapshot(reply: unknown): StoredStatus | undefined {
  if (!Array.isArray(reply) || reply.length !== 5) return undefined;
  const state = parseFields(reply.slice(0, 4));
  const entries = reply[4];
  if (state === undefined || !Array.isArray(entries)) return undefined;
  return parseStoredStatus({ state, history: entries.map(parseJson) });
}

/** The update script's reply: what the update did and the state after it, or undefined. */
export function parseUpdateReply(reply: unknown): UpdateResult | undefined {
  if (!Array.isArray(reply) || reply.length !== 5) return undefined;
  const [kind] = reply;
  if (kind !== "changed" && kind !== "unchanged" && kind !== "conflict") {
    return undefined;
  }
  const state = parseFields(reply.slice(1));
  return state && { kind, state };
}

/**
 * Redis' time (ms since 1970) when the update script refused an update
 * that reached it after its deadline; undefined for any other reply.
 */
export function parseLateReply(reply: unknown): number | undefined {
  if (!Array.isArray(reply) || reply.length !== 2 || reply[0] !== "late") {
    return undefined;
  }
  const [, time] = reply;
  return typeof time === "string" && /^\d{1,16}$/.test(time)
    ? Number(time)
    : undefined;
}

/** A state published on the channel, or undefined when the message is not one. */
export function parseAnnouncement(message: string): TaskState | undefined {
  return checkedState(parseJson(message));
}

/**
 * The change a published state carries (`change`, with its source and
 * actor), when it has one that made that state; undefined otherwise (a
 * new sequence, or a message from before changes were published).
 */
export function parseAnnouncedChange(message: string): Change | undefined {
  const value = parseJson(message) as { change?: unknown } | undefined;
  const state = checkedState(value);
  if (state === undefined || typeof value !== "object" || value === null) {
    return undefined;
  }
  return parseStoredStatus({ state, history: [value.change] })?.history[0];
}

/** What to do with a state that arrived (an update's reply, a message). */
export type Intake =
  /** Already known, or from a sequence this process has left: nothing. */
  | { kind: "known" }
  /** The very next state: apply it with this history, no read needed. */
  | { kind: "next"; history: Change[] }
  /** Versions were missed, or the epoch differs: read the stored state. */
  | { kind: "read" };

/**
 * Decides what a state that arrived means for the state and history this
 * process holds. Only the version right after the held one can be applied
 * without reading the state and history from Redis; `retired` holds the epochs this process has moved on from, so that a late
 * reply from before a wipe does not take it back.
 */
export function intake(
  held: { state: TaskState; history: readonly Change[] },
  incoming: TaskState,
  retired: ReadonlySet<string>,
  /** The change that made `incoming`, when known (else it reads as from "api"). */
  made?: Change,
): Intake {
  if (retired.has(incoming.epoch)) return { kind: "known" };
  // Another epoch is checked against the stored state before it resets
  // anyone: channels are server-wide, so it may be another database's.
  if (incoming.epoch !== held.state.epoch) return { kind: "read" };
  if (incoming.version <= held.state.version) return { kind: "known" };
  if (incoming.version > held.state.version + 1) return { kind: "read" };
  const change: Change = made?.version === incoming.version ? made : {
    version: incoming.version,
    status: incoming.status,
    at: incoming.updatedAt,
    source: DEFAULT_SOURCE,
  };
  return { kind: "next", history: appendChange(held.history, change) };
}

/** REDIS_URL for messages and logs, with any password replaced by `***`. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === "") return url;
    parsed.password = "***";
    return parsed.href;
  } catch {
    return url;
  }
}
