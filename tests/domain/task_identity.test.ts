import assert from "node:assert/strict";
import {
  identityOf,
  parseIdentity,
  parseStoredIdentity,
} from "../../lib/domain/task_identity.ts";

Deno.test("a task's identity", async (t) => {
  await t.step(
    "a name, an optional description and an optional http(s) link",
    () => {
      assert.deepEqual(parseIdentity({ name: "Déploiement" }), {
        ok: true,
        value: { name: "Déploiement" },
      });
      assert.deepEqual(
        parseIdentity({
          name: "Nightly",
          description: "Build\nand test",
          url: "https://ci.example.com/job/42",
        }),
        {
          ok: true,
          value: {
            name: "Nightly",
            description: "Build\nand test",
            url: "https://ci.example.com/job/42",
          },
        },
      );
    },
  );
  await t.step("bad values are refused naming the field", () => {
    const cases: [unknown, RegExp][] = [
      [{}, /^name must be a string/],
      [{ name: "" }, /^name must be 1 to 100/],
      [{ name: "x".repeat(101) }, /^name must be 1 to 100/],
      [{ name: "a\u0007" }, /^name must not contain control/],
      [{ name: "n", description: "d".repeat(501) }, /^description must be/],
      [{ name: "n", url: "ftp://x" }, /^url must be an http or https URL/],
      [{ name: "n", url: "not a url" }, /^url must be an http or https URL/],
      [
        { name: "n", url: "https://x/" + "a".repeat(2048) },
        /^url must be at most 2048/,
      ],
      [{ name: "n", colour: "red" }, /^unknown field "colour"/],
      [[], /^body must be a JSON object/],
    ];
    for (const [input, error] of cases) {
      const parsed = parseIdentity(input);
      assert.equal(parsed.ok, false, JSON.stringify(input));
      assert.match(!parsed.ok ? parsed.error : "", error);
    }
  });
  await t.step(
    "a stored identity wins over the configured one; else the id is the name",
    () => {
      const configured = { name: "Tâche", url: "https://example.com" };
      assert.deepEqual(identityOf("default", undefined, configured), {
        id: "default",
        ...configured,
      });
      assert.deepEqual(identityOf("default", { name: "Mine" }, configured), {
        id: "default",
        name: "Mine",
      });
      assert.deepEqual(identityOf("build", undefined), {
        id: "build",
        name: "build",
      });
    },
  );
  await t.step("a stored identity is read back only when valid", () => {
    assert.deepEqual(parseStoredIdentity({ name: "ok" }), { name: "ok" });
    assert.equal(parseStoredIdentity({ name: "" }), undefined);
    assert.equal(parseStoredIdentity("x"), undefined);
  });
});
