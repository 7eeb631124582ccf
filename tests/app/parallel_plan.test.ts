import assert from "node:assert/strict";
import { parallelPlan } from "../../lib/app/parallel_refusal.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("deno task start:parallel: one worker per core, on PORT and HOSTNAME, unless DENO_JOBS says otherwise", async (t) => {
  await t.step(
    "defaults: a worker per core, port 3000 on every interface",
    () => {
      assert.deepEqual(parallelPlan(env({}), 2), {
        ok: true,
        workers: 2,
        port: 3000,
        hostname: "0.0.0.0",
      });
    },
  );
  await t.step("DENO_JOBS, PORT and HOSTNAME", () => {
    assert.deepEqual(
      parallelPlan(
        env({ DENO_JOBS: "4", PORT: "0", HOSTNAME: "127.0.0.1" }),
        2,
      ),
      { ok: true, workers: 4, port: 0, hostname: "127.0.0.1" },
    );
  });
  await t.step("a bad DENO_JOBS is refused, naming it", () => {
    for (const jobs of ["0", "65", "x", "1.5"]) {
      assert.deepEqual(parallelPlan(env({ DENO_JOBS: jobs }), 2), {
        ok: false,
        error: `DENO_JOBS must be an integer from 1 to 64, got ${
          JSON.stringify(jobs)
        }`,
      });
    }
  });
  await t.step(
    "the memory store is refused: each worker would keep its own",
    () => {
      const plan = parallelPlan(env({ STATUS_STORE: "memory" }), 2);
      assert.equal(plan.ok, false);
      assert.match(
        !plan.ok ? plan.error : "",
        /^STATUS_STORE=memory cannot run/,
      );
    },
  );
  await t.step("a bad PORT is refused as by deno task start", () => {
    const plan = parallelPlan(env({ PORT: "abc" }), 2);
    assert.deepEqual(plan, {
      ok: false,
      error: 'PORT must be an integer from 0 to 65535, got "abc"',
    });
  });
});
