import { DEFAULT_STORE_TIMEOUT_MS } from "../stores/store_deadline.ts";
import { DEFAULT_TIMEOUTS } from "../fresh/http1_server.ts";
import type { StoredIdentity } from "../domain/task_identity.ts";
import { defaultTaskIdentity, maxTasks } from "./task_config.ts";

/** Which store keeps the status. */
export type StoreKind = "memory" | "kv" | "redis";

/** The app's configuration, read and validated once at start. */
export interface AppConfig {
  /** Longest hold of a poll, in milliseconds. */
  pollTimeoutMs: number;
  /** Held polls at most; past it polls answer 503. */
  maxWaiters: number;
  /**
   * When set, updates need `Authorization: Bearer <token>`; when not, they
   * are accepted only from this machine (loopback).
   */
  adminToken: string | undefined;
  /** The CSP `frame-ancestors` sources: who may frame the pages. */
  frameAncestors: string;
  store: StoreKind;
  /** Embedded Deno KV file; undefined on Deno Deploy (the deployment's database). */
  kvPath: string | undefined;
  redisUrl: string;
  /** A store call not answered within this answers 503 (`STORE_TIMEOUT_MS`). */
  storeTimeoutMs: number;
  /** Share the port with other processes (set by `deno task start:cluster`). */
  reusePort: boolean;
  /**
   * Connection deadlines in ms: HEADER_TIMEOUT_MS (a request head),
   * BODY_TIMEOUT_MS (a request body; a response the client does not take),
   * IDLE_TIMEOUT_MS (a keep-alive connection between requests).
   */
  connectionTimeouts: { headerMs: number; bodyMs: number; idleMs: number };
  /** The `default` task's name, description and link (TASK_NAME, TASK_DESCRIPTION, TASK_URL). */
  defaultTask: StoredIdentity;
  /** Stored tasks besides `default` at most (MAX_TASKS); storing one more answers 507. */
  maxTasks: number;
}

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Held polls at most when nothing limits the process. */
export const MAX_WAITERS_CEILING = 100_000;
/** Longest hold: proxies with 30 s idle limits never cut a held poll. */
export const POLL_TIMEOUT_CEILING_MS = 25_000;
export const DEFAULT_KV_PATH = ".data/status.kv";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
/** Longest STORE_TIMEOUT_MS: past a minute, a client has long given up. */
export const STORE_TIMEOUT_CEILING_MS = 60_000;
/** Longest connection deadline: ten minutes. */
export const CONNECTION_TIMEOUT_CEILING_MS = 600_000;

/**
 * The default for MAX_WAITERS: every held poll is an open socket, so stay
 * under the process's open-file limit, keeping a reserve (about 1,000, less
 * under a small limit) for other connections and files.
 */
export function defaultMaxWaiters(openFileLimit: number | undefined): number {
  if (openFileLimit === undefined) return MAX_WAITERS_CEILING;
  const reserve = Math.min(1_000, Math.floor(openFileLimit / 4));
  return Math.max(1, Math.min(MAX_WAITERS_CEILING, openFileLimit - reserve));
}

/** Reads the soft open-file limit from Linux's /proc; undefined elsewhere. */
export function readOpenFileLimit(): number | undefined {
  try {
    const limits = Deno.readTextFileSync("/proc/self/limits");
    const match = limits.match(/^Max open files\s+(\d+|unlimited)/m);
    return match && match[1] !== "unlimited" ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads one environment variable (`Deno.env.get`, or a map in tests). */
export type Env = (name: string) => string | undefined;

function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env(name);
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(
      `${name} must be an integer from ${min} to ${max}, got ${
        JSON.stringify(raw)
      }`,
    );
  }
  return Number(raw);
}

function adminToken(
  raw: string | undefined,
  onDeploy: boolean,
): string | undefined {
  if (raw === undefined) {
    if (!onDeploy) return undefined;
    // Nothing reaches a deployment from loopback: no token, no updates.
    throw new ConfigError(
      "ADMIN_TOKEN must be set on Deno Deploy: without it nobody could update the status",
    );
  }
  if (raw === "") {
    throw new ConfigError(
      "ADMIN_TOKEN is empty: set a token, or unset it to accept updates from this machine only",
    );
  }
  // HTTP drops spaces around a header value: such a token could never match.
  if (/^\s|\s$|\p{Cc}/u.test(raw)) {
    throw new ConfigError(
      "ADMIN_TOKEN must not start or end with a space or contain control characters",
    );
  }
  return raw;
}

/** One CSP source a FRAME_ANCESTORS list may hold ('none' only alone). */
const FRAME_SOURCE =
  /^(?:'self'|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(?:\d{1,5}|\*))?)$/i;

function frameAncestors(raw: string | undefined): string {
  const sources = (raw ?? "").trim().split(/\s+/).filter((s) => s !== "");
  if (sources.length === 0) return "'none'";
  if (sources.length === 1 && sources[0] === "'none'") return "'none'";
  if (!sources.every((source) => FRAME_SOURCE.test(source))) {
    throw new ConfigError(
      `FRAME_ANCESTORS must be 'none', 'self' or origins separated by spaces (e.g. 'self' https://dash.example.com), got ${
        JSON.stringify(raw)
      }`,
    );
  }
  return sources.join(" ");
}

/** The start-up line that says who may update. */
export function updateAccessLine(config: AppConfig): string {
  return config.adminToken === undefined
    ? "updates: loopback only (set ADMIN_TOKEN to allow others)"
    : "updates: need the admin token";
}

function connectionTimeout(
  env: Env,
  name: string,
  key: keyof typeof DEFAULT_TIMEOUTS,
): number {
  return integer(
    env,
    name,
    DEFAULT_TIMEOUTS[key],
    100,
    CONNECTION_TIMEOUT_CEILING_MS,
  );
}

/** Reads the configuration from the environment; throws {@link ConfigError} on a bad value. */
export function parseConfig(
  env: Env,
  openFileLimit: number | undefined,
): AppConfig {
  const onDeploy = env("DENO_DEPLOYMENT_ID") !== undefined;
  const store = env("STATUS_STORE") || "kv";
  if (store !== "memory" && store !== "kv" && store !== "redis") {
    throw new ConfigError(
      `STATUS_STORE must be one of memory, kv, redis, got ${
        JSON.stringify(store)
      }`,
    );
  }
  const token = adminToken(env("ADMIN_TOKEN"), onDeploy);
  return {
    pollTimeoutMs: integer(
      env,
      "POLL_TIMEOUT_MS",
      POLL_TIMEOUT_CEILING_MS,
      100,
      POLL_TIMEOUT_CEILING_MS,
    ),
    maxWaiters: integer(
      env,
      "MAX_WAITERS",
      defaultMaxWaiters(openFileLimit),
      0,
      10_000_000,
    ),
    adminToken: token,
    frameAncestors: frameAncestors(env("FRAME_ANCESTORS")),
    store,
    kvPath: onDeploy ? undefined : (env("KV_PATH") || DEFAULT_KV_PATH),
    redisUrl: env("REDIS_URL") || DEFAULT_REDIS_URL,
    storeTimeoutMs: integer(
      env,
      "STORE_TIMEOUT_MS",
      DEFAULT_STORE_TIMEOUT_MS,
      100,
      STORE_TIMEOUT_CEILING_MS,
    ),
    reusePort: env("REUSE_PORT") === "1",
    connectionTimeouts: {
      headerMs: connectionTimeout(env, "HEADER_TIMEOUT_MS", "headerMs"),
      bodyMs: connectionTimeout(env, "BODY_TIMEOUT_MS", "bodyMs"),
      idleMs: connectionTimeout(env, "IDLE_TIMEOUT_MS", "idleMs"),
    },
    defaultTask: defaultTaskIdentity(env),
    maxTasks: maxTasks(env),
  };
}
