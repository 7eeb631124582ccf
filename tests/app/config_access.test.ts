import assert from "node:assert/strict";
import {
  ConfigError,
  parseConfig,
  updateAccessLine,
} from "../../lib/app/config.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];
const parse = (vars: Record<string, string>) => parseConfig(envOf(vars), 1_024);

function assertConfigError(vars: Record<string, string>, message: RegExp) {
  assert.throws(
    () => parse(vars),
    (error: unknown) =>
      error instanceof ConfigError && message.test(error.message),
  );
}

Deno.test("ADMIN_TOKEN: who may update", async (t) => {
  await t.step("unset: loopback only, and the start-up line says so", () => {
    const config = parse({});
    assert.equal(config.adminToken, undefined);
    assert.equal(
      updateAccessLine(config),
      "updates: loopback only (set ADMIN_TOKEN to allow others)",
    );
  });
  await t.step("set: the token, and the start-up line says so", () => {
    const config = parse({ ADMIN_TOKEN: "s3cret" });
    assert.equal(config.adminToken, "s3cret");
    assert.equal(updateAccessLine(config), "updates: need the admin token");
  });
  await t.step("empty is an error naming ADMIN_TOKEN, not 'no token'", () => {
    assertConfigError({ ADMIN_TOKEN: "" }, /^ADMIN_TOKEN is empty/);
  });
  await t.step("a token HTTP could never carry is an error", () => {
    for (const token of [" s3cret", "s3cret\n", "s3\u0000cret", "\t"]) {
      assertConfigError({ ADMIN_TOKEN: token }, /^ADMIN_TOKEN must not/);
    }
  });
  await t.step("on Deno Deploy a missing token is an error", () => {
    assertConfigError(
      { DENO_DEPLOYMENT_ID: "abc123" },
      /^ADMIN_TOKEN must be set on Deno Deploy/,
    );
    const config = parse({ DENO_DEPLOYMENT_ID: "abc123", ADMIN_TOKEN: "t" });
    assert.equal(config.adminToken, "t");
  });
});

Deno.test("FRAME_ANCESTORS: who may frame the pages", async (t) => {
  await t.step("nobody by default", () => {
    assert.equal(parse({}).frameAncestors, "'none'");
    assert.equal(parse({ FRAME_ANCESTORS: "" }).frameAncestors, "'none'");
    assert.equal(parse({ FRAME_ANCESTORS: "'none'" }).frameAncestors, "'none'");
  });
  await t.step("the site itself and listed origins", () => {
    assert.equal(
      parse({ FRAME_ANCESTORS: "  'self'   https://dash.example.com " })
        .frameAncestors,
      "'self' https://dash.example.com",
    );
    assert.equal(
      parse({
        FRAME_ANCESTORS: "http://localhost:8080 https://*.example.com https:",
      })
        .frameAncestors,
      "http://localhost:8080 https://*.example.com https:",
    );
    assert.equal(
      parse({ FRAME_ANCESTORS: "https://a.example\n\t'self'" }).frameAncestors,
      "https://a.example 'self'",
      "one line, whatever spaces separate the sources",
    );
    assert.equal(parse({ FRAME_ANCESTORS: "*" }).frameAncestors, "*");
  });
  await t.step(
    "anything that could change the rest of the policy is an error",
    () => {
      for (
        const value of [
          "'self'; script-src *",
          "https://a.example,https://b.example",
          "'none' https://a.example",
          "'unsafe-inline'",
          '"https://a.example"',
          "https://a.example/<x>",
        ]
      ) {
        assertConfigError(
          { FRAME_ANCESTORS: value },
          /^FRAME_ANCESTORS must be/,
        );
      }
    },
  );
});
