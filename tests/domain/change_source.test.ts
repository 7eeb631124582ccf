import assert from "node:assert/strict";
import { parseActor, parseSource } from "../../lib/domain/change_source.ts";

Deno.test("the source and actor of an update", async (t) => {
  await t.step("source is page, cli or api, or absent", () => {
    for (const source of ["page", "cli", "api"]) {
      assert.deepEqual(parseSource(source), { ok: true, value: source });
    }
    assert.deepEqual(parseSource(undefined), { ok: true, value: undefined });
    for (const bad of ["API", "web", "", 1, null]) {
      const parsed = parseSource(bad);
      assert.equal(parsed.ok, false);
      assert.match(!parsed.ok ? parsed.error : "", /^source must be one of/);
    }
  });
  await t.step(
    "actor is 1 to 64 characters after NFC, no control characters",
    () => {
      assert.deepEqual(parseActor("alice"), { ok: true, value: "alice" });
      assert.deepEqual(parseActor("é".repeat(64)), {
        ok: true,
        value: "é".repeat(64),
      });
      // 64 characters once composed, though 128 code points as sent.
      assert.deepEqual(parseActor("e\u0301".repeat(64)), {
        ok: true,
        value: "é".repeat(64),
      });
      assert.deepEqual(parseActor(undefined), { ok: true, value: undefined });
      for (const bad of ["", "x".repeat(65), "a\nb", "tab\there", 7, null]) {
        const parsed = parseActor(bad);
        assert.equal(parsed.ok, false, JSON.stringify(bad));
        assert.match(!parsed.ok ? parsed.error : "", /^actor must/);
      }
    },
  );
});
