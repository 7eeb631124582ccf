import assert from "node:assert/strict";
import {
  CHROMIUM,
  explainMissing,
  locate,
  preparePlan,
  REDIS_SERVER,
  whereLooked,
} from "./requirements.ts";

const ROOT = new URL("../../", import.meta.url);
const envOf = (vars: Record<string, string>) => (name: string) => vars[name];
const CAN = { root: true, aptGet: true, allowed: true };

Deno.test("where the programs the tests need are looked for", async (t) => {
  const exists = (path: string) =>
    ["/usr/bin/chromium", "/opt/bin/redis-server"].includes(path);
  await t.step("Chromium at /usr/bin/chromium, or CHROMIUM_PATH", () => {
    assert.equal(locate(CHROMIUM, envOf({}), exists), "/usr/bin/chromium");
    assert.equal(
      locate(CHROMIUM, envOf({ CHROMIUM_PATH: "/opt/chromium" }), exists),
      undefined,
    );
    assert.equal(
      whereLooked(CHROMIUM, envOf({ CHROMIUM_PATH: "/opt/chromium" })),
      "at /opt/chromium (CHROMIUM_PATH)",
    );
  });
  await t.step("redis-server on PATH, or REDIS_SERVER_PATH", () => {
    const path = { PATH: "/usr/local/bin::/opt/bin" };
    assert.equal(
      locate(REDIS_SERVER, envOf(path), exists),
      "/opt/bin/redis-server",
    );
    assert.equal(
      locate(REDIS_SERVER, envOf({ PATH: "/bin" }), exists),
      undefined,
    );
    assert.equal(
      whereLooked(REDIS_SERVER, envOf({ PATH: "/bin" })),
      "on PATH",
    );
    assert.equal(
      locate(
        REDIS_SERVER,
        envOf({ ...path, REDIS_SERVER_PATH: "/nowhere/redis-server" }),
        exists,
      ),
      undefined,
    );
  });
});

Deno.test("what the test task does about a missing program", async (t) => {
  const both = [CHROMIUM, REDIS_SERVER];
  await t.step("nothing missing: nothing to do", () => {
    assert.deepEqual(preparePlan([], CAN, envOf({})), {
      install: [],
      explain: [],
    });
  });
  await t.step("root with apt-get: installs Debian's packages", () => {
    assert.deepEqual(preparePlan(both, CAN, envOf({})), {
      install: ["chromium", "redis-server"],
      explain: [],
    });
  });
  await t.step("not root, no apt-get, or TEST_NO_INSTALL=1: explains", () => {
    for (
      const ability of [
        { ...CAN, root: false },
        { ...CAN, aptGet: false },
        { ...CAN, allowed: false },
      ]
    ) {
      assert.deepEqual(preparePlan(both, ability, envOf({})), {
        install: [],
        explain: both,
      });
    }
  });
  await t.step("a program a variable points elsewhere is not installed", () => {
    assert.deepEqual(
      preparePlan(both, CAN, envOf({ CHROMIUM_PATH: "/opt/chromium" })),
      { install: ["redis-server"], explain: [CHROMIUM] },
    );
  });
  await t.step("the explanation names each program and one command", () => {
    const text = explainMissing(both, envOf({ PATH: "/bin" }));
    assert.match(text, /Chromium \(at \/usr\/bin\/chromium\)/);
    assert.match(text, /redis-server \(on PATH\)/);
    assert.match(text, /sudo apt-get install -y chromium redis-server/);
    assert.match(text, /CHROMIUM_PATH or REDIS_SERVER_PATH/);
    assert.match(text, /browser tests and redis tests are skipped/);
    assert.match(
      explainMissing([REDIS_SERVER], envOf({ CI: "true" })),
      /In CI \(CI=true\) the redis tests fail/,
    );
  });
});

async function run(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    code: out.code,
    output: text.decode(out.stdout) + text.decode(out.stderr),
  };
}

Deno.test("without the programs and without a way to install them, the test task goes on", async (t) => {
  // No redis-server, no apt-get on this PATH, no Chromium where it is looked for.
  const empty = await Deno.makeTempDir({ prefix: "empty-path-" });
  const missing = {
    PATH: empty,
    HOME: Deno.env.get("HOME") ?? "/root",
    CHROMIUM_PATH: "/nonexistent/chromium",
    TEST_NO_INSTALL: "1",
  };
  try {
    await t.step(
      "prepare names what is missing and how to install it, once",
      async () => {
        const { code, output } = await run(
          ["run", "-A", "tests/support/prepare.ts"],
          missing,
        );
        assert.equal(code, 0, output);
        assert.match(
          output,
          /Missing for some tests: Chromium \(at \/nonexistent\/chromium \(CHROMIUM_PATH\)\), redis-server \(on PATH\), cc \(on PATH\)/,
        );
        assert.equal(output.match(/apt-get install/g)?.length, 1, output);
        assert.doesNotMatch(output, /Installing/);
      },
    );
    await t.step("prepare is silent when everything is there", async () => {
      const { code, output } = await run(
        ["run", "-A", "tests/support/prepare.ts"],
        {
          ...missing,
          CHROMIUM_PATH: Deno.execPath(),
          REDIS_SERVER_PATH: Deno.execPath(),
          CC: Deno.execPath(),
        },
      );
      assert.equal(code, 0, output);
      assert.equal(output.trim(), "");
    });
    const probe = [
      "test",
      "-A",
      "--no-check",
      "tests/fixtures/requirements/needs_redis_probe.ts",
    ];
    await t.step(
      "a test that needs redis-server is skipped, loudly and by name",
      async () => {
        const { code, output } = await run(probe, missing);
        assert.equal(code, 0, output);
        assert.match(output, /REDIS TESTS SKIPPED: no redis-server on PATH/);
        assert.match(
          output,
          /a test that starts a redis-server \.\.\. ignored/,
        );
        assert.match(output, /a test that needs nothing \.\.\. ok/);
        assert.match(output, /1 passed \| 0 failed \| 1 ignored/);
      },
    );
    await t.step("in CI it fails instead", async () => {
      const { code, output } = await run(probe, { ...missing, CI: "true" });
      assert.notEqual(code, 0, output);
      assert.match(
        output,
        /redis-server not found: install Debian's redis-server/,
      );
      assert.match(output, /1 passed \| 1 failed/);
    });
  } finally {
    await Deno.remove(empty);
  }
});
