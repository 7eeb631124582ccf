/**
 * API.md, "Staying up at the descriptor limit": a server under a small
 * open-file limit is flooded with more polls than it may hold sockets.
 */
import assert from "node:assert/strict";
import { startApp, waitFor } from "../support/server.ts";

async function tryJson(
  url: string,
  init?: RequestInit,
): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(url, init);
    return await response.json();
  } catch {
    return undefined;
  }
}

Deno.test("under ulimit -n 256, 400 polls at once leave the server up and serving", async () => {
  const app = await startApp({ shellPrefix: "ulimit -n 256 &&" });
  try {
    const { epoch, version } = (await tryJson(`${app.url}/get-status`))!;
    type Outcome = {
      kind: "answer";
      status: number;
      retryAfter: string | null;
      body: Record<string, unknown>;
    } | {
      kind: "error";
    };
    let settled = 0;
    const polls: Promise<Outcome>[] = Array.from({ length: 400 }, async () => {
      try {
        const response = await fetch(
          `${app.url}/poll-status?last_version=${version}&epoch=${epoch}`,
        );
        const body = await response.json();
        return {
          kind: "answer",
          status: response.status,
          retryAfter: response.headers.get("retry-after"),
          body,
        } as const;
      } catch {
        return { kind: "error" } as const;
      } finally {
        settled++;
      }
    });

    // Every poll is either settled (refused or failed) or held by the server.
    let held = 0;
    await waitFor(
      async () => {
        const text = await fetch(`${app.url}/metrics`).then((r) => r.text())
          .catch(() => "");
        const match = text.match(/^status_waiters (\d+)$/m);
        if (!match) return false;
        held = Number(match[1]);
        return held > 0 && held + settled === 400;
      },
      20_000,
      "every poll to be held or settled",
    );
    assert.ok(
      held <= 192,
      `held ${held}, more than the default MAX_WAITERS under 256 files`,
    );

    // One update wakes every held poll.
    let updated: Record<string, unknown> | undefined;
    await waitFor(
      async () => {
        updated = await tryJson(`${app.url}/update-status`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"status":"En cours"}',
        });
        return updated !== undefined;
      },
      10_000,
      "the update to be accepted",
    );
    const outcomes = await Promise.all(polls);
    let woken = 0;
    for (const outcome of outcomes) {
      if (outcome.kind === "error") continue;
      if (outcome.status === 503) {
        assert.equal(outcome.retryAfter, "5");
        continue;
      }
      assert.equal(outcome.status, 200);
      assert.equal(outcome.body.version, (version as number) + 1);
      woken++;
    }
    assert.ok(woken >= held, `woken ${woken} < held ${held}`);

    // Afterwards it answers at once.
    const started = performance.now();
    const after = await fetch(`${app.url}/get-status`);
    assert.equal(after.status, 200);
    assert.equal((await after.json()).version, (version as number) + 1);
    assert.ok(performance.now() - started < 1000);
    const exhausted = app.output().match(/too many open files/g)?.length ?? 0;
    console.log(
      `held ${held} of 400 polls; ${woken} woken; ran out of descriptors ${exhausted} times`,
    );
  } finally {
    const status = await app.stop();
    assert.equal(status.code, 0, app.output());
  }
});
