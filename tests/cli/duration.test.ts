import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "../../lib/cli/duration.ts";

Deno.test("durations", async (t) => {
  await t.step("a bare number is seconds", () => {
    assert.equal(parseDuration("90"), 90_000);
    assert.equal(parseDuration("0.5"), 500);
  });
  await t.step("units combine", () => {
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("45s"), 45_000);
    assert.equal(parseDuration("10m"), 600_000);
    assert.equal(parseDuration("1h30m"), 5_400_000);
    assert.equal(parseDuration("1d"), 86_400_000);
  });
  await t.step("nonsense, zero and negatives are refused", () => {
    for (
      const text of ["", "0", "0s", "-5", "10x", "m", "10 m", "1h-", "abc"]
    ) {
      assert.equal(parseDuration(text), undefined, text);
    }
  });
  await t.step("format in the largest fitting unit", () => {
    assert.equal(formatDuration(250), "250 ms");
    assert.equal(formatDuration(1234), "1.2 s");
    assert.equal(formatDuration(600_000), "10 min");
    assert.equal(formatDuration(5_400_000), "1.5 h");
  });
});
