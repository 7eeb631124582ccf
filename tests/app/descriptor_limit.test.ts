/**
 * Staying up at the descriptor limit: the app, under a small open-file
 * limit, flooded with more polls than it may hold sockets, or with idle and
 * slow sockets, in one process and in parallel workers.
 */
import assert from "node:assert/strict";
import {
  type AppProcess,
  SERVE_PARALLEL,
  startApp,
  waitFor,
} from "../support/server.ts";
import { RawSocket } from "../support/raw_socket.ts";

const LIMIT = 256;
/** MAX_WAITERS's default under LIMIT open files (a quarter kept back). */
const DEFAULT_MAX_WAITERS = 192;

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

/** Polls held by the process (or the worker) that answers this scrape of `/metrics`. */
async function heldPolls(url: string): Promise<number | undefined> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text()).catch(
    () => "",
  );
  const held = text.match(/^status_waiters (\d+)$/m);
  return held ? Number(held[1]) : undefined;
}

const modes: { name: string; args?: string[]; env?: Record<string, string> }[] =
  [
    { name: "deno task start" },
    {
      name: "deno task start:parallel (2 workers sharing the limit)",
      args: SERVE_PARALLEL,
      env: { DENO_JOBS: "2", STATUS_STORE: "kv" },
    },
  ];

for (const mode of modes) {
  Deno.test(`${mode.name}: under ulimit -n ${LIMIT}, 400 polls at once leave it up; the polls it holds get the update, the rest 503`, async () => {
    const kvDir = await Deno.makeTempDir();
    const app = await startApp({
      shellPrefix: `ulimit -n ${LIMIT} &&`,
      args: mode.args,
      env: { KV_PATH: `${kvDir}/status.kv`, ...mode.env },
    });
    try {
      await floodWithPolls(app);
    } finally {
      const status = await app.stop();
      await Deno.remove(kvDir, { recursive: true });
      assert.equal(status.code, 0, app.output());
    }
  });
}

async function floodWithPolls(app: AppProcess): Promise<void> {
  const { epoch, version } = (await tryJson(`${app.url}/get-status`))!;
  type Outcome = {
    kind: "answer";
    status: number;
    retryAfter: string | null;
    body: Record<string, unknown>;
  } | {
    kind: "error";
    message: string;
  };
  let settled = 0;
  let refused = 0;
  const polls: Promise<Outcome>[] = Array.from({ length: 400 }, async () => {
    try {
      const response = await fetch(
        `${app.url}/poll-status?last_version=${version}&epoch=${epoch}`,
      );
      const body = await response.json();
      if (response.status === 503) refused++;
      return {
        kind: "answer",
        status: response.status,
        retryAfter: response.headers.get("retry-after"),
        body,
      } as const;
    } catch (error) {
      return { kind: "error", message: String(error) } as const;
    } finally {
      settled++;
    }
  });

  // Every poll is settled (refused) or held: then the held ones are all in.
  await waitFor(
    () => settled === 400 || refused === 400 - DEFAULT_MAX_WAITERS,
    30_000,
    "every poll to be held or refused",
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
  const errors = outcomes.filter((o) => o.kind === "error");
  assert.deepEqual(errors, [], "every poll gets an answer");
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
  // MAX_WAITERS is one count for the whole process, whatever its workers.
  assert.equal(woken, DEFAULT_MAX_WAITERS);

  // Afterwards it answers at once.
  const started = performance.now();
  const after = await fetch(`${app.url}/get-status`);
  assert.equal(after.status, 200);
  assert.equal((await after.json()).version, (version as number) + 1);
  assert.ok(performance.now() - started < 1000);
  assert.equal(await heldPolls(app.url), 0);
}

Deno.test(`under ulimit -n ${LIMIT}, idle and slow sockets past the limit cannot keep a new client out`, async () => {
  // The header timeout comes after the new client: only closing the oldest
  // idle or slow sockets can make room (those older than 3/4 of it, 9 s).
  const app = await startApp({
    shellPrefix: `ulimit -n ${LIMIT} &&`,
    env: { HEADER_TIMEOUT_MS: "12000" },
  });
  const sockets: RawSocket[] = [];
  const trickling: Promise<number>[] = [];
  try {
    // Idle keep-alive connections, silent ones, and heads sent byte by byte.
    for (let i = 0; i < 50; i++) {
      const socket = await RawSocket.open(app.port);
      await socket.send("GET /get-status HTTP/1.1\r\nHost: x\r\n\r\n");
      sockets.push(socket);
    }
    for (let i = 0; i < 250; i++) sockets.push(await RawSocket.open(app.port));
    for (let i = 0; i < 50; i++) {
      const socket = await RawSocket.open(app.port);
      sockets.push(socket);
      trickling.push(
        socket.trickle(
          "GET /get-status HTTP/1.1\r\nX-Slow: " + "s".repeat(200),
          100,
        ),
      );
    }
    // Let them all be old: an attacker's sockets have been there a while.
    await new Promise((r) => setTimeout(r, 9_500));

    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      const response = await fetch(`${app.url}/get-status`, {
        signal: AbortSignal.timeout(5_000),
      });
      assert.equal(response.status, 200);
      await response.json();
      const ms = performance.now() - started;
      assert.ok(ms < 1_000, `a new client waited ${ms.toFixed(0)} ms`);
    }
    const closed = sockets.filter((s) => s.closed).length;
    assert.ok(closed > 0, "no idle or slow socket was closed");
    console.log(
      `${sockets.length} idle or slow sockets against ${LIMIT} descriptors: the server closed ${closed}`,
    );
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all(trickling);
    const status = await app.stop();
    assert.equal(status.code, 0, app.output());
  }
});

Deno.test("a 503 that says Connection: close closes the connection", async () => {
  const app = await startApp({ env: { MAX_WAITERS: "1" } });
  const held = new AbortController();
  try {
    const { epoch, version } = (await tryJson(`${app.url}/get-status`))!;
    const query = `last_version=${version}&epoch=${epoch}`;
    const first = fetch(`${app.url}/poll-status?${query}`, {
      signal: held.signal,
    }).catch(() => undefined);
    await waitFor(
      async () => (await heldPolls(app.url)) === 1,
      5_000,
      "the held poll",
    );
    const socket = await RawSocket.open(app.port);
    await socket.send(
      `GET /poll-status?${query} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    const answer = await socket.response();
    assert.equal(answer.status, 503);
    assert.equal(answer.headers.get("retry-after"), "5");
    assert.equal(answer.headers.get("connection"), "close");
    // The client keeps its side open; the server closes.
    await socket.waitClosed(1_000);
    held.abort();
    await first;
  } finally {
    const status = await app.stop();
    assert.equal(status.code, 0, app.output());
  }
});
