import assert from "node:assert/strict";
import { parseConfig } from "../../lib/app/config.ts";
import { listeningLines } from "../../lib/app/listening.ts";

const addr = (hostname: string): Deno.NetAddr => ({
  transport: "tcp",
  hostname,
  port: 8000,
});

Deno.test("once listening the app says where, then who may update", () => {
  const open = parseConfig(() => undefined, 1_024);
  assert.equal(
    listeningLines(addr("127.0.0.1"), open),
    "Listening on http://127.0.0.1:8000/\n" +
      "updates: loopback only (set ADMIN_TOKEN to allow others)",
  );
  const guarded = parseConfig(
    (name) => name === "ADMIN_TOKEN" ? "t" : undefined,
    1_024,
  );
  assert.equal(
    listeningLines(addr("::1"), guarded),
    "Listening on http://[::1]:8000/\nupdates: need the admin token",
  );
});
