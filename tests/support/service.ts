import type { AppConfig } from "../../lib/app/config.ts";
import { MemoryStore } from "../../lib/stores/memory_store.ts";
import { Metrics } from "../../lib/app/metrics.ts";
import type { StatusService } from "../../lib/app/status_service.ts";
import type { StatusStore } from "../../lib/stores/status_store.ts";

/** A status service over a memory store, for tests that call handlers directly. */
export function testService(
  config: Partial<AppConfig> = {},
  store: StatusStore = new MemoryStore(),
): StatusService {
  return {
    config: {
      pollTimeoutMs: 25_000,
      maxWaiters: 1_000,
      adminToken: undefined,
      frameAncestors: "'none'",
      store: "memory",
      kvPath: undefined,
      redisUrl: "redis://127.0.0.1:6379",
      storeTimeoutMs: 5_000,
      reusePort: false,
      connectionTimeouts: { headerMs: 20_000, bodyMs: 30_000, idleMs: 60_000 },
      defaultTask: { name: "Tâche" },
      maxTasks: 10_000,
      ...config,
    },
    store,
    metrics: new Metrics(),
    random: () => 0,
  };
}
