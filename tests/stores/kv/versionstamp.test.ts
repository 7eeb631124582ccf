import assert from "node:assert/strict";
import { isNewerStamp } from "../../../lib/stores/kv/versionstamp.ts";

Deno.test("versionstamps order commits", () => {
  assert.equal(
    isNewerStamp("00000000000000020000", "00000000000000010000"),
    true,
  );
  assert.equal(
    isNewerStamp("00000000000000010000", "00000000000000010000"),
    false,
  );
  assert.equal(isNewerStamp("00000000000000010000", null), true);
});
