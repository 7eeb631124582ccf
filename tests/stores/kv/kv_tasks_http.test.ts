/** Named tasks on one KV file, through the workers of `deno task start:parallel`. */
import { join } from "node:path";
import { SERVE_PARALLEL, startApp } from "../../support/server.ts";
import { workerShares } from "../../support/http.ts";
import { taskCrossProcessSuite } from "../task_cross_process_suite.ts";

taskCrossProcessSuite("kv store, parallel workers", async () => {
  const folder = await Deno.makeTempDir({ prefix: "kv_tasks_http_" });
  const app = await startApp({
    args: SERVE_PARALLEL,
    env: {
      STATUS_STORE: "kv",
      KV_PATH: join(folder, "status.kv"),
      DENO_JOBS: "2",
      POLL_TIMEOUT_MS: "20000",
    },
  });
  return {
    urls: [app.url],
    holding: async (count) =>
      await workerShares(app.url, "status_waiters", count) !== undefined,
    async stop() {
      await app.stop();
      await Deno.remove(folder, { recursive: true });
    },
  };
});
