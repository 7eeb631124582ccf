/** Which store keeps the status. */
export type StoreKind = "memory" | "kv" | "redis";

/** The app's configuration, read and validated once at start. */
export interface AppConfig {
  /** Longest hold of a poll, in milliseconds. */
  pollTimeoutMs: number;
  /** Held polls at most; past it polls answer 503. */
  maxWaiters: number;
  /** When set, updates need `Authorization: Bearer <token>`. */
  adminToken: string | undefined;
  store: StoreKind;
  /** Embedded Deno KV file; undefined on Deno Deploy (the deployment's database). */
  kvPath: string | undefined;
  redisUrl: string;
  /** Share the port with other processes (set by `deno task start:cluster`). */
  reusePort: boolean;
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
  const token = env("ADMIN_TOKEN");
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
    adminToken: token === "" ? undefined : token,
    store,
    kvPath: onDeploy ? undefined : (env("KV_PATH") || DEFAULT_KV_PATH),
    redisUrl: env("REDIS_URL") || DEFAULT_REDIS_URL,
    reusePort: env("REUSE_PORT") === "1",
  };
}
