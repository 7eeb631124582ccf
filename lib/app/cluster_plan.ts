import { ConfigError, type Env, parseConfig } from "./config.ts";
import { listenOptions } from "../fresh/start.ts";

/** Processes at most, whatever CLUSTER_PROCESSES says. */
export const MAX_CLUSTER_PROCESSES = 64;

/** What `deno task start:cluster` runs, or why it cannot. */
export type ClusterPlan =
  | { ok: true; processes: number; port: number; hostname: string }
  | { ok: false; error: string };

/**
 * Decides the cluster from the environment: how many processes
 * (CLUSTER_PROCESSES, default one per core) and where they listen. Only
 * the redis store can be shared by separate processes at once: memory keeps
 * one status per process, and separate processes on one KV file see each
 * other's changes only at the once-a-second re-read.
 */
export function clusterPlan(
  env: Env,
  cores: number,
  os: string = Deno.build.os,
): ClusterPlan {
  if (os !== "linux") {
    return {
      ok: false,
      error:
        `the cluster needs Linux, whose SO_REUSEPORT spreads connections over the processes; on ${os} run one process per port behind a proxy`,
    };
  }
  let store: string;
  try {
    store = parseConfig(env, undefined).store;
  } catch (error) {
    if (error instanceof ConfigError) {
      return { ok: false, error: error.message };
    }
    throw error;
  }
  if (store === "memory") {
    return {
      ok: false,
      error:
        "STATUS_STORE=memory cannot run as a cluster: each process would keep its own status; use STATUS_STORE=redis",
    };
  }
  if (store === "kv") {
    return {
      ok: false,
      error:
        "STATUS_STORE=kv cannot run as a cluster: separate processes on one KV file see each other's changes only once a second; " +
        "use STATUS_STORE=redis, or deno task start:parallel for kv",
    };
  }
  const raw = env("CLUSTER_PROCESSES");
  const processes = raw === undefined || raw === ""
    ? Math.max(1, Math.min(cores, MAX_CLUSTER_PROCESSES))
    : Number(raw);
  if (
    (raw !== undefined && raw !== "" && !/^\d+$/.test(raw)) ||
    !Number.isInteger(processes) || processes < 1 ||
    processes > MAX_CLUSTER_PROCESSES
  ) {
    return {
      ok: false,
      error:
        `CLUSTER_PROCESSES must be an integer from 1 to ${MAX_CLUSTER_PROCESSES}, got ${
          JSON.stringify(raw)
        }`,
    };
  }
  const listen = listenOptions(env);
  if (!listen.ok) return listen;
  return {
    ok: true,
    processes,
    port: listen.port,
    hostname: listen.hostname,
  };
}
