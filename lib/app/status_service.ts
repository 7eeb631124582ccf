import type { AppConfig } from "./config.ts";
import type { HeldPolls } from "./held_polls.ts";
import { openKvStore } from "../stores/kv/kv_store.ts";
import { MemoryStore } from "../stores/memory_store.ts";
import { Metrics } from "./metrics.ts";
import type { StatusStore } from "../stores/status_store.ts";

/** Everything a request handler of the status API needs. */
export interface StatusService {
  config: AppConfig;
  store: StatusStore;
  metrics: Metrics;
  /** Source of the hold jitter (injectable for tests). */
  random: () => number;
  /**
   * The held polls MAX_WAITERS bounds, when the workers of one process
   * count them together (`deno task start:parallel`); without it, this
   * process's hub counts them.
   */
  heldPolls?: HeldPolls;
}

/** Opens the configured store and wraps it with fresh counters. */
export async function openStatusService(
  config: AppConfig,
): Promise<StatusService> {
  return {
    config,
    store: await openStore(config),
    metrics: new Metrics(),
    random: Math.random,
  };
}

async function openStore(config: AppConfig): Promise<StatusStore> {
  switch (config.store) {
    case "memory":
      return new MemoryStore({ maxTasks: config.maxTasks });
    case "kv":
      return await openKvStore(config.kvPath, {
        timeoutMs: config.storeTimeoutMs,
        maxTasks: config.maxTasks,
      });
    case "redis": {
      // Loaded only here: the other stores do not need the Redis client.
      const { openRedisStore } = await import("../stores/redis/redis_store.ts");
      return await openRedisStore(config.redisUrl, {
        timeoutMs: config.storeTimeoutMs,
        maxTasks: config.maxTasks,
      });
    }
  }
}

/** Answers every held poll with the current state, then closes the store. */
export async function shutdownStatusService(
  service: StatusService,
): Promise<void> {
  const pending = service.store.hubs.releaseAll();
  if (pending > 0) {
    console.log(`answered ${pending} held polls before stopping`);
  }
  await service.store.close();
}
