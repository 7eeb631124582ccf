import assert from "node:assert/strict";
import {
  ConfigError,
  defaultMaxWaiters,
  parseConfig,
} from "../../lib/app/config.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("configuration defaults", () => {
  const config = parseConfig(envOf({}), undefined);
  assert.equal(config.pollTimeoutMs, 25_000);
  assert.equal(config.maxWaiters, 100_000);
  assert.equal(config.adminToken, undefined);
  assert.equal(config.storeTimeoutMs, 5_000);
  assert.equal(
    parseConfig(envOf({ STORE_TIMEOUT_MS: "1500" }), undefined).storeTimeoutMs,
    1_500,
  );
});

Deno.test("MAX_WAITERS defaults below the open-file limit, keeping a reserve", () => {
  assert.equal(defaultMaxWaiters(20_000), 19_000);
  assert.equal(defaultMaxWaiters(256), 192);
  assert.equal(defaultMaxWaiters(1_048_576), 100_000);
  assert.equal(parseConfig(envOf({}), 20_000).maxWaiters, 19_000);
});

Deno.test("bad values name their variable", async (t) => {
  for (
    const [name, value] of [
      ["POLL_TIMEOUT_MS", "-1"],
      ["POLL_TIMEOUT_MS", "30000"],
      ["POLL_TIMEOUT_MS", "abc"],
      ["MAX_WAITERS", "lots"],
      ["STATUS_STORE", "postgres"],
      ["STORE_TIMEOUT_MS", "50"],
      ["STORE_TIMEOUT_MS", "61000"],
      ["STORE_TIMEOUT_MS", "5s"],
    ]
  ) {
    await t.step(`${name}=${value}`, () => {
      assert.throws(
        () => parseConfig(envOf({ [name]: value }), undefined),
        (error: unknown) =>
          error instanceof ConfigError && error.message.startsWith(name),
      );
    });
  }
});
