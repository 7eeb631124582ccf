import assert from "node:assert/strict";
import {
  clockTime,
  duration,
  moment,
  refreshEvery,
  secondsUntil,
  shortDate,
  sinceText,
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

Deno.test("duration is as precise as it needs to be", async (t) => {
  await t.step("seconds under a minute", () => {
    assert.equal(duration(0), "0 s");
    assert.equal(duration(59_999), "59 s");
  });
  await t.step("minutes under an hour", () => {
    assert.equal(duration(12 * 60_000 + 30_000), "12 min");
  });
  await t.step("hours and minutes under a day", () => {
    assert.equal(duration(2 * 3_600_000 + 5 * 60_000), "2 h 05");
  });
  await t.step("days and hours beyond", () => {
    assert.equal(duration(3 * 86_400_000 + 4 * 3_600_000), "3 j 4 h");
    assert.equal(duration(2 * 86_400_000), "2 j");
  });
  await t.step("a negative duration (clocks that disagree) is 0 s", () => {
    assert.equal(duration(-5_000), "0 s");
  });
});

Deno.test("times within a day read as the hour, older ones carry their date", async (t) => {
  const now = new Date(2024, 5, 10, 15, 0, 0).getTime();
  await t.step("within a day: HH:MM", () => {
    assert.equal(moment(new Date(2024, 5, 10, 14, 2).getTime(), now), "14:02");
    // Yesterday, but less than 24 hours ago.
    assert.equal(moment(new Date(2024, 5, 9, 16, 30).getTime(), now), "16:30");
  });
  await t.step("more than a day old: the date too", () => {
    assert.equal(
      moment(new Date(2024, 2, 12, 14, 2).getTime(), now),
      "le 12 mars à 14:02",
    );
  });
  await t.step("another year is named", () => {
    assert.equal(
      shortDate(new Date(2023, 11, 31, 9, 0).getTime(), now),
      "31 déc. 2023",
    );
  });
});

Deno.test("sinceText says how long and since when", () => {
  const now = new Date(2024, 5, 10, 14, 14, 30).getTime();
  const since = new Date(2024, 5, 10, 14, 2, 0).getTime();
  assert.equal(sinceText(since, now), "depuis 12 min, depuis 14:02");
  const old = new Date(2024, 5, 7, 9, 5, 0).getTime();
  assert.equal(
    sinceText(old, now),
    "depuis 3 j 5 h, depuis le 7 juin à 09:05",
  );
});
