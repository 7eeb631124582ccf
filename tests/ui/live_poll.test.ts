import assert from "node:assert/strict";
import type { FetchLike } from "../../lib/client/http.ts";
import type { LiveEvent } from "../../lib/ui/live_state.ts";
import { CONFIRM_HOLD_S } from "../../lib/client/watch.ts";
import { FATAL_PAUSE_MS, runLivePoll } from "../../lib/ui/live_poll.ts";

const AT = "2024-06-01T12:00:00.000Z";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/** Answers the scripted polls in order, then holds until aborted. */
function scripted(answers: (() => Response)[], urls: string[]): FetchLike {
  return (input, init) => {
    urls.push(input);
    const next = answers.shift();
    if (next) return Promise.resolve(next());
    return new Promise((_, reject) => {
      init.signal?.addEventListener(
        "abort",
        () => reject(init.signal?.reason),
        {
          once: true,
        },
      );
    });
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("the page's poll publishes the client's events as plain data", async () => {
  const urls: string[] = [];
  const events: LiveEvent[] = [];
  const stop = new AbortController();
  const state = (status: string, version: number) => ({
    status,
    version,
    epoch: "e1",
    updatedAt: AT,
  });
  const fetch = scripted([
    () => json(200, state("En attente", 0)),
    () =>
      json(200, {
        ...state("Terminée", 2),
        changes: [
          { version: 1, status: "En cours", at: AT },
          { version: 2, status: "Terminée", at: AT },
        ],
      }),
    () => json(400, { error: "last_version must be an integer" }),
  ], urls);
  try {
    const poll = runLivePoll("http://status.test/", {
      signal: stop.signal,
      publish: (event) => events.push(event),
      fetch,
    });
    await until(
      () => events.some((e) => e.type === "reconnecting"),
      "the refusal",
    );
    assert.deepEqual(events.map((e) => e.type), [
      "connected",
      "snapshot",
      "change",
      "change",
      "reconnecting",
    ]);
    const refusal = events[4];
    assert.ok(refusal.type === "reconnecting");
    assert.equal(refusal.reason, "refus du serveur (400)");
    assert.ok(
      refusal.retryAt - Date.now() > FATAL_PAUSE_MS - 1_000,
      "a long pause",
    );

    // A refusal no retry can fix pauses long; cutting it short resumes
    // from the last version seen, so nothing is missed.
    poll.retryNow();
    await until(() => urls.length === 4, "the poll after the pause");
    const resumed = new URL(urls[3]);
    assert.equal(resumed.searchParams.get("last_version"), "2");
    assert.equal(resumed.searchParams.get("epoch"), "e1");
  } finally {
    stop.abort();
  }
});

Deno.test("the first poll after a failure asks for a short hold, then the server's again", async () => {
  const urls: string[] = [];
  const events: LiveEvent[] = [];
  const stop = new AbortController();
  const fetch = scripted([
    () =>
      json(200, { status: "En cours", version: 3, epoch: "e1", updatedAt: AT }),
    () => json(503, { error: "too many waiters" }),
    () =>
      json(200, {
        status: "En cours",
        version: 3,
        epoch: "e1",
        updatedAt: AT,
        timeout: true,
      }),
  ], urls);
  try {
    const poll = runLivePoll("http://status.test/", {
      signal: stop.signal,
      publish: (event) => events.push(event),
      fetch,
    });
    await until(
      () => events.some((e) => e.type === "reconnecting"),
      "the failure",
    );
    poll.retryNow();
    await until(() => urls.length === 4, "the poll after the confirming one");
    const holds = urls.map((url) => new URL(url).searchParams.get("timeout"));
    assert.deepEqual(holds, [null, null, String(CONFIRM_HOLD_S), null]);
    // So the indicator says "live" as soon as the server answers again.
    assert.deepEqual(events.map((e) => e.type), [
      "connected",
      "snapshot",
      "reconnecting",
      "connected",
    ]);
  } finally {
    stop.abort();
  }
});

Deno.test("a tab that takes over confirms the connection at once", async () => {
  const urls: string[] = [];
  const stop = new AbortController();
  try {
    runLivePoll("http://status.test/", {
      signal: stop.signal,
      initial: { status: "En cours", version: 3, epoch: "e1", updatedAt: AT },
      publish: () => {},
      fetch: scripted([], urls),
    });
    await until(() => urls.length === 1, "the first poll");
    const first = new URL(urls[0]).searchParams;
    assert.equal(first.get("last_version"), "3");
    assert.equal(first.get("timeout"), String(CONFIRM_HOLD_S));
  } finally {
    stop.abort();
  }
});
