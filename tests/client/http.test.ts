import assert from "node:assert/strict";
import { endpoint } from "../../lib/client/http.ts";

Deno.test("endpoint URLs", async (t) => {
  await t.step(
    "joins the path whether or not the base ends with a slash",
    () => {
      assert.equal(
        endpoint("http://h:1", "get-status"),
        "http://h:1/get-status",
      );
      assert.equal(
        endpoint("http://h:1/", "get-status"),
        "http://h:1/get-status",
      );
    },
  );
  await t.step("keeps a base path", () => {
    assert.equal(
      endpoint("http://h/app/", "poll-status"),
      "http://h/app/poll-status",
    );
    assert.equal(
      endpoint("http://h/app", "poll-status"),
      "http://h/app/poll-status",
    );
  });
  await t.step("resolves a relative base against the page's address", () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, "location");
    Object.defineProperty(globalThis, "location", {
      value: { href: "http://page.test/app/index.html" },
      configurable: true,
    });
    try {
      assert.equal(endpoint("/", "get-status"), "http://page.test/get-status");
      assert.equal(
        endpoint("/api/", "get-status"),
        "http://page.test/api/get-status",
      );
    } finally {
      if (descriptor) Object.defineProperty(globalThis, "location", descriptor);
    }
  });
  await t.step("a relative base without a page is refused", () => {
    assert.throws(() => endpoint("/", "get-status"), TypeError);
  });
  await t.step("adds the defined query parameters only", () => {
    assert.equal(
      endpoint("http://h", "poll-status", {
        last_version: 3,
        epoch: "a b",
        timeout: undefined,
      }),
      "http://h/poll-status?last_version=3&epoch=a+b",
    );
  });
});
