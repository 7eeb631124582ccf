import assert from "node:assert/strict";
import { ROOT } from "./fixture.ts";

async function runWithoutChromium(ci: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--no-check", "tests/fresh/hydration.test.ts"],
    cwd: ROOT,
    env: { CHROMIUM_PATH: "/nonexistent/chromium", CI: ci, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    code: out.code,
    output: text.decode(out.stdout) + text.decode(out.stderr),
  };
}

Deno.test("without Chromium a browser test is skipped loudly, but fails in CI", async (t) => {
  await t.step("outside CI: ignored, with a message", async () => {
    const { code, output } = await runWithoutChromium("false");
    assert.equal(code, 0, output);
    assert.match(
      output,
      /BROWSER TESTS SKIPPED: no Chromium at \/nonexistent\/chromium/,
    );
    assert.match(output, /0 passed \| 0 failed \| 1 ignored/);
  });
  await t.step("in CI: failed", async () => {
    const { code, output } = await runWithoutChromium("true");
    assert.notEqual(code, 0);
    assert.match(
      output,
      /no Chromium at \/nonexistent\/chromium: browser tests cannot run in CI/,
    );
  });
});
