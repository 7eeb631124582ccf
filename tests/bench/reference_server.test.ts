/**
 * The benchmark's yardstick must answer what the contract asks of the three
 * endpoints, or the app would be held against a server doing less work.
 */
import assert from "node:assert/strict";
import { postStatus } from "../support/http.ts";
import { startApp } from "../support/server.ts";

Deno.test("the reference server answers the contract of get, update and poll", async (t) => {
  const reference = await startApp({ entry: "bench/reference_server.ts" });
  try {
    const read = await fetch(`${reference.url}/get-status`);
    const state = await read.json();
    assert.equal(state.version, 0);

    await t.step(
      "GET /get-status sends the ETag; a match answers 304",
      async () => {
        const etag = `"${state.epoch}.0"`;
        assert.equal(read.headers.get("etag"), etag);
        assert.equal(read.headers.get("x-status-version"), "0");
        const again = await fetch(`${reference.url}/get-status`, {
          headers: { "if-none-match": `"other", ${etag}` },
        });
        assert.equal(again.status, 304);
        assert.equal(await again.text(), "");
      },
    );

    await t.step(
      "an update wakes a held poll with the new version",
      async () => {
        const held = fetch(
          `${reference.url}/poll-status?last_version=0&epoch=${state.epoch}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
        const update = await postStatus(reference.url, { status: "En cours" });
        assert.equal((await update.json()).version, 1);
        const answer = await (await held).json();
        assert.equal(answer.version, 1);
        assert.equal(answer.status, "En cours");
        const read = await fetch(`${reference.url}/get-status`, {
          headers: { "if-none-match": `"${state.epoch}.0"` },
        });
        assert.equal(read.status, 200, "an old ETag no longer matches");
        assert.equal(read.headers.get("etag"), `"${state.epoch}.1"`);
        await read.body?.cancel();
      },
    );
  } finally {
    await reference.stop();
  }
});
