import assert from "node:assert/strict";
import {
  clockTime,
  refreshEvery,
  secondsUntil,
  timeAgo,
} from "../../lib/ui/format.ts";

Deno.test("clockTime shows local time as HH:MM:SS with leading zeros", () => {
  const at = new Date(2024, 0, 2, 3, 4, 5).getTime();
  assert.equal(clockTime(at), "03:04:05");
  assert.equal(
    clockTime(new Date(2024, 0, 2, 23, 59, 59).getTime()),
    "23:59:59",
  );
});

Deno.test("timeAgo reads in French at every scale", async (t) => {
  const now = Date.UTC(2024, 5, 1, 12, 0, 0);
  await t.step("under five seconds is now", () => {
    assert.equal(timeAgo(now - 4_999, now), "à l'instant");
  });
  await t.step("seconds", () => {
    assert.equal(timeAgo(now - 12_000, now), "il y a 12 s");
  });
  await t.step("minutes", () => {
    assert.equal(timeAgo(now - 3 * 60_000 - 59_000, now), "il y a 3 min");
  });
  await t.step("hours", () => {
    assert.equal(timeAgo(now - 2 * 3_600_000, now), "il y a 2 h");
  });
  await t.step("days", () => {
    assert.equal(timeAgo(now - 4 * 86_400_000, now), "il y a 4 j");
  });
  await t.step("a time in the future (clock skew) reads as now", () => {
    assert.equal(timeAgo(now + 60_000, now), "à l'instant");
  });
  await t.step("an unreadable time reads as now rather than NaN", () => {
    assert.equal(timeAgo(Number.NaN, now), "à l'instant");
  });
});

Deno.test("refreshEvery ticks each second only while the text counts seconds", () => {
  assert.equal(refreshEvery(10_000), 1_000);
  assert.equal(refreshEvery(5 * 60_000), 15_000);
  assert.equal(refreshEvery(5 * 3_600_000), 60_000);
});

Deno.test("secondsUntil rounds up and never goes negative", () => {
  assert.equal(secondsUntil(10_001, 9_000), 2);
  assert.equal(secondsUntil(10_000, 9_000), 1);
  assert.equal(secondsUntil(9_000, 10_000), 0);
});
