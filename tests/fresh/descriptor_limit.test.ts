import assert from "node:assert/strict";
import { APP, waitFor } from "./fixture.ts";
import { listeningUrl, spawnApp, stopFixture } from "./process.ts";

const FLOOD = 400;
const HOLD_MS = 1500;

type Outcome = "held" | "503" | { failed: string };

Deno.test("at the open-file limit the server holds what it can, answers the rest 503, and still shuts down", async () => {
  const app = spawnApp({
    main: new URL("main.ts", APP),
    shell: "ulimit -n 256 &&",
  });
  try {
    const url = await listeningUrl(app);
    const outcomes = await Promise.all(
      Array.from(
        { length: FLOOD },
        (): Promise<Outcome> =>
          fetch(`${url}/_probe/hold?ms=${HOLD_MS}`).then(async (r) => {
            const text = await r.text();
            if (r.status === 503 && r.headers.get("retry-after") === "5") {
              assert.equal(r.headers.get("connection"), "close");
              assert.match(
                JSON.parse(text).error,
                /no room for more connections/,
              );
              return "503";
            }
            return text === "held" ? "held" : { failed: `${r.status} ${text}` };
          }, (error) => ({ failed: String(error) })),
      ),
    );
    const held = outcomes.filter((o) => o === "held").length;
    const refused = outcomes.filter((o) => o === "503").length;
    // Every request is answered: held, or refused with a 503 it can read.
    assert.deepEqual(outcomes.filter((o) => typeof o === "object"), []);
    assert.equal(held + refused, FLOOD);
    assert.ok(held >= 150, `only ${held} of ${FLOOD} requests were held`);
    assert.ok(refused > 0, "the flood never reached the limit");

    // Once the flood is over the server answers a new request at once.
    await waitFor(
      () =>
        fetch(`${url}/about`).then(
          (r) => r.text().then(() => r.ok),
          () => false,
        ),
      10_000,
      "the server to answer",
    );
    const started = performance.now();
    const res = await fetch(`${url}/_probe/ping`);
    assert.equal(await res.text(), "pong");
    assert.ok(performance.now() - started < 500);

    // The signal handlers still work after the limit was reached.
    const status = await stopFixture(app, url);
    assert.equal(status.code, 0, app.stderr());
  } finally {
    await app.dispose();
  }
});
