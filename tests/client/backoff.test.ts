import assert from "node:assert/strict";
import {
  BASE_DELAY_MS,
  MAX_DELAY_MS,
  MAX_RETRY_AFTER_MS,
  nextDelay,
  paceDelay,
  retryAfterMs,
  retryDelay,
  watchdogDelay,
} from "../../lib/client/backoff.ts";

const almostOne = () => 0.999999;

Deno.test("full-jitter backoff", async (t) => {
  await t.step("the first retry waits under half a second", () => {
    assert.equal(BASE_DELAY_MS, 500);
    assert.equal(nextDelay(1, almostOne), 499);
    assert.equal(nextDelay(1, () => 0), 0);
  });
  await t.step("the ceiling doubles with each attempt", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((a) => nextDelay(a, almostOne)),
      [499, 999, 1999, 3999, 7999],
    );
  });
  await t.step("the ceiling stops at 30 s however many attempts", () => {
    assert.equal(MAX_DELAY_MS, 30_000);
    assert.equal(nextDelay(7, almostOne), 29_999);
    assert.equal(nextDelay(1000, almostOne), 29_999);
  });
  await t.step("the delay is the random fraction of the ceiling", () => {
    assert.equal(nextDelay(3, () => 0.5), 1000);
    assert.equal(nextDelay(3, () => 0.25), 500);
  });
});

Deno.test("Retry-After parsing", async (t) => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  await t.step("reads delta-seconds", () => {
    assert.equal(retryAfterMs("3", now), 3000);
    assert.equal(retryAfterMs(" 0 ", now), 0);
  });
  await t.step("reads an HTTP-date relative to now", () => {
    assert.equal(retryAfterMs("Wed, 01 Jan 2025 00:00:07 GMT", now), 7000);
  });
  await t.step("a date in the past means at once", () => {
    assert.equal(retryAfterMs("Tue, 31 Dec 2024 23:00:00 GMT", now), 0);
  });
  await t.step("caps an absurd delay", () => {
    assert.equal(retryAfterMs("86400", now), MAX_RETRY_AFTER_MS);
  });
  await t.step("ignores an absent or unreadable header", () => {
    for (const header of [null, undefined, "", "soon", "-1", "1.5"]) {
      assert.equal(retryAfterMs(header, now), undefined, String(header));
    }
  });
});

Deno.test("retry delay", async (t) => {
  await t.step("without Retry-After it is the full-jitter backoff", () => {
    assert.equal(retryDelay(2, undefined, () => 0.5), nextDelay(2, () => 0.5));
  });
  await t.step("with Retry-After it never retries sooner than asked", () => {
    assert.equal(retryDelay(1, 2000, () => 0), 2000);
    assert.equal(retryDelay(6, 2000, () => 0), 2000);
  });
  await t.step(
    "with Retry-After it spreads the clients over the jitter",
    () => {
      assert.equal(retryDelay(1, 2000, () => 0.5), 2250);
      assert.equal(retryDelay(3, 2000, almostOne), 3999);
    },
  );
  await t.step("the spread does not push past the cap", () => {
    assert.equal(retryDelay(10, 20_000, almostOne), MAX_DELAY_MS);
    assert.equal(retryDelay(10, 60_000, almostOne), 60_000);
  });
});

Deno.test("pacing", async (t) => {
  await t.step(
    "holds a request that would start too soon after the last",
    () => {
      assert.equal(paceDelay(1000, 1100, 500), 400);
    },
  );
  await t.step("lets it go at once when enough time has passed", () => {
    assert.equal(paceDelay(1000, 1500, 500), 0);
    assert.equal(paceDelay(1000, 9000, 500), 0);
    assert.equal(paceDelay(Number.NEGATIVE_INFINITY, 0, 500), 0);
  });
});

Deno.test("watchdog delay", async (t) => {
  await t.step("allows the server's longest hold plus 5 s by default", () => {
    assert.equal(watchdogDelay(undefined), 30_000);
  });
  await t.step("allows the asked hold plus 5 s", () => {
    assert.equal(watchdogDelay(1), 6_000);
    assert.equal(watchdogDelay(10), 15_000);
  });
});
