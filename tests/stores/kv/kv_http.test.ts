/**
 * The KV store through the real server: the cross-process suite on one KV
 * file, and `deno task start:parallel` refusing a store it cannot share.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runAppToExit, SERVE_PARALLEL } from "../../support/server.ts";
import { crossProcessSuite, followPolls } from "../cross_process_suite.ts";

crossProcessSuite("kv store", async () => {
  const folder = await Deno.makeTempDir({ prefix: "kv_http_test_" });
  const notes = join(folder, "notes.txt");
  await Deno.writeTextFile(notes, "not a database\n");
  const unusable = (what: string, path: string) => ({
    what,
    env: { STATUS_STORE: "kv", KV_PATH: path },
    says: `error: KV_PATH ${path} `,
  });
  return {
    env: { STATUS_STORE: "kv", KV_PATH: join(folder, "status.kv") },
    // A KV watch may skip versions: follow what a poller is told.
    follow: followPolls,
    unusable: [
      unusable(
        "a folder that cannot be created",
        join(notes, "data", "status.kv"),
      ),
      unusable("a file that is not a KV database", notes),
    ],
    dispose: () => Deno.remove(folder, { recursive: true }),
  };
});

Deno.test("kv store over HTTP: deno task start:parallel refuses the memory store, saying why", async () => {
  const { code, output } = await runAppToExit(
    { DENO_JOBS: "2", STATUS_STORE: "memory" },
    SERVE_PARALLEL,
  );
  assert.notEqual(code, 0);
  const errors = output.split("\n").filter((line) => line.includes("error:"));
  assert.equal(errors.length, 1, output);
  assert.match(errors[0], /STATUS_STORE=memory/);
});
