/** Named tasks on one Redis, through two app processes. */
import { needsRedis, startRedis } from "../../support/redis.ts";
import { startApp } from "../../support/server.ts";
import { metric } from "../../support/http.ts";
import { taskCrossProcessSuite } from "../task_cross_process_suite.ts";

taskCrossProcessSuite("redis store, two processes", async () => {
  const redis = await startRedis();
  const env = {
    STATUS_STORE: "redis",
    REDIS_URL: redis.url,
    POLL_TIMEOUT_MS: "20000",
  };
  const apps = await Promise.all([startApp({ env }), startApp({ env })]);
  return {
    urls: apps.map((app) => app.url),
    holding: async (count) => {
      let held = 0;
      for (const app of apps) held += await metric(app.url, "status_waiters");
      return held === count;
    },
    async stop() {
      await Promise.all(apps.map((app) => app.stop()));
      await redis.stop();
    },
  };
}, needsRedis.options());
