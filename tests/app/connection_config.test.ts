import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "../../lib/app/config.ts";
import { runAppToExit } from "../support/server.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("connection deadlines come from HEADER_TIMEOUT_MS, BODY_TIMEOUT_MS and IDLE_TIMEOUT_MS", async (t) => {
  await t.step("defaults: 20 s for a head, 30 s for a body, 60 s idle", () => {
    assert.deepEqual(parseConfig(env({}), 20_000).connectionTimeouts, {
      headerMs: 20_000,
      bodyMs: 30_000,
      idleMs: 60_000,
    });
  });
  await t.step("each one set", () => {
    assert.deepEqual(
      parseConfig(
        env({
          HEADER_TIMEOUT_MS: "100",
          BODY_TIMEOUT_MS: "2500",
          IDLE_TIMEOUT_MS: "600000",
        }),
        20_000,
      ).connectionTimeouts,
      { headerMs: 100, bodyMs: 2_500, idleMs: 600_000 },
    );
  });
  await t.step(
    "a bad value is refused, naming the variable and the range",
    () => {
      for (
        const name of [
          "HEADER_TIMEOUT_MS",
          "BODY_TIMEOUT_MS",
          "IDLE_TIMEOUT_MS",
        ]
      ) {
        for (const value of ["abc", "99", "600001", "-1", "1.5"]) {
          assert.throws(
            () => parseConfig(env({ [name]: value }), 20_000),
            (error: unknown) =>
              error instanceof ConfigError &&
              error.message ===
                `${name} must be an integer from 100 to 600000, got ${
                  JSON.stringify(value)
                }`,
          );
        }
      }
    },
  );
});

Deno.test("IDLE_TIMEOUT_MS=abc stops the app at start with one line", async () => {
  const { code, output } = await runAppToExit({ IDLE_TIMEOUT_MS: "abc" });
  assert.equal(code, 1);
  assert.equal(
    output.trim(),
    'error: IDLE_TIMEOUT_MS must be an integer from 100 to 600000, got "abc"',
  );
});
