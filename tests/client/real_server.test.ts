/** The client against a real server on an ephemeral port. */
import assert from "node:assert/strict";
import {
  getStatus,
  StatusApiError,
  updateStatus,
  watch,
  type WatchEvent,
} from "../../lib/client/mod.ts";
import type { FetchLike } from "../../lib/client/http.ts";
import type { Status } from "../../lib/domain/statuses.ts";
import { startApp, waitFor } from "../support/server.ts";
import { heldPolls, setStatus } from "./server_calls.ts";

/** Runs a watch in the background, collecting its events. */
function background(url: string, options: Parameters<typeof watch>[1] = {}) {
  const controller = new AbortController();
  const events: WatchEvent[] = [];
  const watcher = watch(url, { ...options, signal: controller.signal });
  const done = (async () => {
    for await (const event of watcher) events.push(event);
  })();
  return {
    events,
    watcher,
    of<T extends WatchEvent["type"]>(type: T) {
      return events.filter((e): e is Extract<WatchEvent, { type: T }> =>
        e.type === type
      );
    },
    async stop() {
      controller.abort();
      await done;
    },
  };
}

const CYCLE: Status[] = ["En cours", "Terminée", "Échec", "En attente"];

Deno.test("client requests against a real server", async (t) => {
  const app = await startApp({ env: { ADMIN_TOKEN: "tok" } });
  try {
    await t.step("getStatus reads the initial state", async () => {
      const state = await getStatus(app.url);
      assert.equal(state.status, "En attente");
      assert.equal(state.version, 0);
    });

    await t.step("updateStatus with the token changes the status", async () => {
      const answer = await updateStatus(app.url + "/", "En cours", {
        token: "tok",
      });
      assert.equal(answer.status, "En cours");
      assert.equal(answer.version, 1);
      assert.equal(answer.message, "Statut mis à jour avec succès");
    });

    await t.step(
      "a missing token is a StatusApiError 401 with the server's message",
      async () => {
        const error = await updateStatus(app.url, "Échec").catch((e) => e);
        assert.ok(error instanceof StatusApiError);
        assert.equal(error.status, 401);
        assert.match(error.message, /admin token/);
        assert.deepEqual(Object.keys(error.body as object), ["error"]);
      },
    );

    await t.step(
      "a stale expectedVersion is a 409 that carries the current state",
      async () => {
        const error = await updateStatus(app.url, "Échec", {
          token: "tok",
          expectedVersion: 0,
        })
          .catch((e) => e);
        assert.ok(error instanceof StatusApiError);
        assert.equal(error.status, 409);
        assert.equal((error.body as { version: number }).version, 1);
        assert.equal((await getStatus(app.url)).status, "En cours");
      },
    );

    await t.step("the right expectedVersion changes it", async () => {
      const answer = await updateStatus(app.url, "Terminée", {
        token: "tok",
        expectedVersion: 1,
      });
      assert.equal(answer.version, 2);
    });
  } finally {
    await app.stop();
  }
});

Deno.test("watch yields every change once and in order through quick bursts", async () => {
  const app = await startApp();
  let polls = 0;
  const counting: FetchLike = (input, init) => {
    polls++;
    return fetch(input, init);
  };
  const watcher = background(app.url, { fetch: counting });
  try {
    await waitFor(
      () => watcher.of("snapshot").length === 1,
      5000,
      "the first snapshot",
    );
    const changed: { version: number; to: Status }[] = [];
    for (let burst = 0; burst < 3; burst++) {
      // 40 updates at once: many land between two polls of the watcher.
      const answers = await Promise.all(
        Array.from(
          { length: 40 },
          (_, i) => setStatus(app.url, CYCLE[i % CYCLE.length]),
        ),
      );
      for (const answer of answers) {
        if (answer.message === "Statut mis à jour avec succès") {
          changed.push({ version: answer.version, to: answer.status });
        }
      }
      const last = Math.max(...changed.map((c) => c.version));
      await waitFor(
        () => watcher.of("change").at(-1)?.version === last,
        5000,
        `burst ${burst} to arrive`,
      );
    }
    changed.sort((a, b) => a.version - b.version);
    assert.deepEqual(
      changed.map((c) => c.version),
      Array.from({ length: changed.length }, (_, i) => i + 1),
      "the server numbered the changes without holes",
    );
    const changes = watcher.of("change");
    assert.deepEqual(
      changes.map((c) => ({ version: c.version, to: c.to })),
      changed,
    );
    let from: Status = "En attente";
    for (const change of changes) {
      assert.equal(change.from, from, `from of v${change.version}`);
      assert.equal(change.state.status, change.to);
      assert.equal(change.state.version, change.version);
      from = change.to;
    }
    assert.deepEqual(watcher.of("truncated"), []);
    assert.deepEqual(watcher.of("reset"), []);
    // Fewer polls than changes: bursts came through `changes`, several per answer.
    assert.ok(
      polls < changes.length,
      `${polls} polls for ${changes.length} changes`,
    );
  } finally {
    await watcher.stop();
    await app.stop();
  }
});

Deno.test("watch reports a truncated history when it fell too far behind", async () => {
  const app = await startApp();
  try {
    const initial = await getStatus(app.url);
    for (let i = 0; i < 105; i++) {
      await setStatus(app.url, CYCLE[i % CYCLE.length]);
    }
    const watcher = background(app.url, { initial });
    try {
      await waitFor(
        () => watcher.of("change").at(-1)?.version === 105,
        5000,
        "the catch-up",
      );
      assert.deepEqual(watcher.of("truncated"), [
        { type: "truncated", afterVersion: 0, missed: 5 },
      ]);
      assert.deepEqual(
        watcher.of("change").map((c) => c.version),
        Array.from({ length: 100 }, (_, i) => i + 6),
      );
    } finally {
      await watcher.stop();
    }
  } finally {
    await app.stop();
  }
});

Deno.test("watch resyncs after a server restart", async () => {
  let app = await startApp();
  const watcher = background(app.url);
  try {
    await waitFor(
      () => watcher.of("snapshot").length === 1,
      5000,
      "the first snapshot",
    );
    await setStatus(app.url, "En cours");
    await waitFor(
      () => watcher.of("change").length === 1,
      5000,
      "the first change",
    );
    const before = watcher.of("change")[0].state;

    const port = app.port;
    await app.stop();
    await waitFor(
      () => watcher.of("reconnecting").length > 0,
      10_000,
      "the loss to be noticed",
    );
    app = await startApp({ env: { PORT: String(port) } });
    await setStatus(app.url, "Échec");
    const fresh = await getStatus(app.url);

    await waitFor(() => watcher.of("reset").length === 1, 15_000, "the reset");
    const reset = watcher.of("reset")[0];
    assert.equal(reset.reason, "epoch");
    assert.deepEqual(reset.previous, before);
    assert.deepEqual(reset.state, fresh);
    const i = watcher.events.indexOf(reset);
    assert.deepEqual(watcher.events[i - 1], { type: "connected" });
    assert.deepEqual(watcher.events[i + 1], { type: "snapshot", state: fresh });

    await setStatus(app.url, "Terminée");
    await waitFor(
      () => watcher.of("change").length === 2,
      5000,
      "the change after the reset",
    );
    const after = watcher.of("change")[1];
    assert.equal(after.from, "Échec");
    assert.equal(after.to, "Terminée");
    assert.equal(after.state.epoch, fresh.epoch);
  } finally {
    await watcher.stop();
    await app.stop();
  }
});

Deno.test("watch honours Retry-After when the server is full", async () => {
  const app = await startApp({ env: { MAX_WAITERS: "1" } });
  const occupier = new AbortController();
  const starts: number[] = [];
  const counting: FetchLike = (input, init) => {
    starts.push(Date.now());
    return fetch(input, init);
  };
  const state = await getStatus(app.url);
  // Take the only waiter slot before the watch starts.
  const held = fetch(
    `${app.url}/poll-status?last_version=${state.version}&epoch=${state.epoch}`,
    { signal: occupier.signal },
  ).then((r) => r.text()).catch(() => "");
  await waitFor(
    async () => (await heldPolls(app.url)) === 1,
    5000,
    "the slot to be taken",
  );
  const watcher = background(app.url, { fetch: counting, random: () => 0 });
  try {
    await waitFor(
      () => watcher.of("reconnecting").length === 1,
      5000,
      "the 503",
    );
    const turnedAway = watcher.of("reconnecting")[0];
    assert.ok(turnedAway.error instanceof StatusApiError);
    assert.equal((turnedAway.error as StatusApiError).status, 503);
    assert.ok(turnedAway.delayMs >= 5000, `retry in ${turnedAway.delayMs} ms`);

    occupier.abort();
    await setStatus(app.url, "En cours");
    await waitFor(
      () => watcher.of("change").length === 1,
      10_000,
      "the change after the wait",
    );
    // starts: the first poll, the one turned away, then the retry.
    assert.ok(starts.length >= 3);
    assert.ok(
      starts[2] - starts[1] >= 5000,
      `retried after ${starts[2] - starts[1]} ms`,
    );
  } finally {
    occupier.abort();
    await held;
    await watcher.stop();
    await app.stop();
  }
});

Deno.test("aborting a watch drops its held poll on the server and leaves nothing running", async () => {
  const app = await startApp();
  try {
    const watcher = background(app.url);
    await waitFor(
      () => watcher.of("snapshot").length === 1,
      5000,
      "the first snapshot",
    );
    await waitFor(
      async () => (await heldPolls(app.url)) === 1,
      5000,
      "the poll to be held",
    );
    const started = Date.now();
    await watcher.stop();
    assert.ok(Date.now() - started < 1000, "the iteration ended at once");
    await waitFor(
      async () => (await heldPolls(app.url)) === 0,
      5000,
      "the server to drop it",
    );
  } finally {
    await app.stop();
  }
});
