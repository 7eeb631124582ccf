import { ConfigError, type Env, parseConfig } from "./config.ts";
import { listenOptions } from "../fresh/start.ts";

/**
 * Why this configuration cannot run on the workers of `deno task start:parallel`, or
 * undefined when it can: each worker would keep its own memory store.
 */
export function parallelRefusal(env: Env): string | undefined {
  try {
    const { store } = parseConfig(env, undefined);
    if (store !== "memory") return undefined;
    return "STATUS_STORE=memory cannot run on parallel workers: each would keep its own status; " +
      "use STATUS_STORE=kv (the default), or one process with deno task start";
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

/** Workers at most, whatever DENO_JOBS says. */
export const MAX_PARALLEL_WORKERS = 64;

/** What `deno task start:parallel` runs, or why it cannot. */
export type ParallelPlan =
  | { ok: true; workers: number; port: number; hostname: string }
  | { ok: false; error: string };

/**
 * Decides `deno task start:parallel` from the environment: how many
 * workers (DENO_JOBS, default one per core) and where they listen (PORT,
 * HOSTNAME, as `deno task start`), or why it cannot run.
 */
export function parallelPlan(env: Env, cores: number): ParallelPlan {
  const refusal = parallelRefusal(env);
  if (refusal !== undefined) return { ok: false, error: refusal };
  const raw = env("DENO_JOBS");
  const workers = raw === undefined || raw === ""
    ? Math.max(1, Math.min(cores, MAX_PARALLEL_WORKERS))
    : Number(raw);
  if (
    (raw !== undefined && raw !== "" && !/^\d+$/.test(raw)) ||
    !Number.isInteger(workers) || workers < 1 ||
    workers > MAX_PARALLEL_WORKERS
  ) {
    return {
      ok: false,
      error:
        `DENO_JOBS must be an integer from 1 to ${MAX_PARALLEL_WORKERS}, got ${
          JSON.stringify(raw)
        }`,
    };
  }
  const listen = listenOptions(env);
  if (!listen.ok) return listen;
  return { ok: true, workers, port: listen.port, hostname: listen.hostname };
}
