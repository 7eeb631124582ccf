import assert from "node:assert/strict";
import { APP, waitFor } from "./fixture.ts";
import { listeningUrl, spawnApp, stopFixture } from "./process.ts";

const FLOOD = 400;
const HOLD_MS = 1500;

Deno.test("at the open-file limit the server keeps serving, listens again and still shuts down", async () => {
  const app = spawnApp({
    main: new URL("main.ts", APP),
    shell: "ulimit -n 256 &&",
  });
  try {
    const url = await listeningUrl(app);
    const outcomes = await Promise.all(
      Array.from(
        { length: FLOOD },
        () =>
          fetch(`${url}/_probe/hold?ms=${HOLD_MS}`)
            .then((r) => r.text())
            .catch(() => "refused"),
      ),
    );
    const events = app.stderr().match(/too many open files/g) ?? [];
    assert.ok(
      events.length >= 1,
      `no descriptor exhaustion logged:\n${app.stderr()}`,
    );
    const held = outcomes.filter((o) => o === "held").length;
    assert.ok(
      held >= 150,
      `only ${held} of ${FLOOD} held requests were answered`,
    );
    assert.equal(held + outcomes.filter((o) => o === "refused").length, FLOOD);

    // Once the flood is over the server listens again (after its pause)…
    await waitFor(
      () =>
        fetch(`${url}/about`).then(
          (r) => r.text().then(() => r.ok),
          () => false,
        ),
      10_000,
      "the server to listen again",
    );
    // …and answers a new request at once.
    const started = performance.now();
    const res = await fetch(`${url}/_probe/ping`);
    assert.equal(await res.text(), "pong");
    assert.ok(performance.now() - started < 500);

    // The signal handlers still work after re-listening.
    const status = await stopFixture(app, url);
    assert.equal(status.code, 0, app.stderr());
  } finally {
    await app.dispose();
  }
});
