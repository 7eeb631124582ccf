/** Responses with a known body: ordinary to everyone, bytes to the server. */
import assert from "node:assert/strict";
import {
  fixedAnswer,
  fixedCopy,
  fixedFor,
  fixedResponse,
} from "../../lib/fresh/fixed_response.ts";
import { ConnectionRequest } from "../../lib/fresh/http1_request.ts";

Deno.test("a fixed response is an ordinary Response", async (t) => {
  await t.step("with its status, its headers and its body", async () => {
    const response = fixedResponse(201, '{"a":1}', {
      "content-type": "application/json",
      etag: '"x"',
    });
    assert.ok(response instanceof Response);
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(response.headers.get("etag"), '"x"');
    assert.deepEqual(await response.json(), { a: 1 });
  });

  await t.step("a text body is plain text unless told otherwise", async () => {
    const response = fixedResponse(200, "hé", [["x-a", "1"]]);
    assert.equal(
      response.headers.get("content-type"),
      "text/plain;charset=UTF-8",
    );
    assert.equal(await response.text(), "hé");
  });

  await t.step("with no body, for a 304", () => {
    const response = fixedResponse(304, null, { etag: '"v"' });
    assert.equal(response.body, null);
    assert.equal(fixedAnswer(response)?.bytes, undefined);
  });
});

Deno.test("the server may take a fixed response's bytes only while its body is unread", async () => {
  const response = fixedResponse(200, "déjà");
  assert.deepEqual(
    fixedAnswer(response)?.bytes,
    new TextEncoder().encode("déjà"),
  );
  assert.equal(await response.text(), "déjà");
  assert.equal(fixedAnswer(response)?.bytes, undefined);
  assert.equal(fixedAnswer(new Response("other"))?.bytes, undefined);
});

Deno.test("a copy of a fixed response answers another request with the same bytes", async () => {
  const original = fixedResponse(200, '{"v":2}', { "x-status-version": "2" });
  const first = fixedCopy(original);
  const second = fixedCopy(original);
  first.headers.set("x-extra", "only here");
  assert.equal(second.headers.get("x-extra"), null);
  assert.equal(original.headers.get("x-extra"), null);
  assert.equal(second.headers.get("x-status-version"), "2");
  assert.deepEqual(fixedAnswer(first)?.bytes, fixedAnswer(original)?.bytes);
  assert.equal(await first.text(), '{"v":2}');
  assert.equal(await second.text(), '{"v":2}');
  // Reading a copy leaves the original to copy again.
  assert.equal(await fixedCopy(original).text(), '{"v":2}');
  assert.throws(() => fixedCopy(new Response("x")), /not a fixed response/);
});

Deno.test("copies with the same headers share what the server prepares for them", () => {
  const original = fixedResponse(200, '{"v":3}', { "x-a": "1" });
  const first = fixedCopy(original);
  const second = fixedCopy(original);
  const shared = fixedAnswer(original);
  assert.ok(shared !== undefined);
  assert.equal(fixedAnswer(first), shared);
  assert.equal(fixedAnswer(second), shared);

  // A copy whose headers change leaves; the others stay together.
  second.headers.append("x-b", "2");
  assert.notEqual(fixedAnswer(second), shared);
  assert.equal(fixedAnswer(first), shared);
  for (
    const change of [
      (h: Headers) => h.set("x-a", "9"),
      (h: Headers) => h.delete("x-a"),
    ]
  ) {
    const copy = fixedCopy(original);
    change(copy.headers);
    assert.notEqual(fixedAnswer(copy), shared);
    assert.deepEqual(fixedAnswer(copy)?.bytes, shared.bytes);
  }

  // The original changed: its next copies share a new answer, the earlier
  // copies keep theirs.
  original.headers.set("x-a", "2");
  const later = fixedCopy(original);
  assert.notEqual(fixedAnswer(later), shared);
  assert.equal(fixedAnswer(later), fixedAnswer(original));
  assert.equal(fixedAnswer(first), shared);
  assert.equal(later.headers.get("x-a"), "2");
  assert.equal(first.headers.get("x-a"), "1");
  assert.equal(fixedAnswer(new Response("other")), undefined);
});

Deno.test("a fixed response is shared by the requests the framework's own server answers, and copied for others", async (t) => {
  await t.step(
    "its own server's requests get the response itself, read-only",
    () => {
      const original = fixedResponse(200, '{"v":3}', {
        "x-status-version": "3",
      });
      const request = new ConnectionRequest("http://test/poll-status");
      const given = fixedFor(original, request);
      assert.equal(given, original);
      assert.equal(fixedFor(original, request), original);
      // A change would reach every request it answers.
      assert.throws(() => given.headers.set("x-extra", "1"), TypeError);
      assert.throws(() => given.headers.append("x-extra", "1"), TypeError);
      assert.throws(() => given.headers.delete("x-status-version"), TypeError);
      assert.equal(given.headers.get("x-status-version"), "3");
      assert.deepEqual(
        fixedAnswer(given)?.bytes,
        new TextEncoder().encode('{"v":3}'),
      );
      // A copy of it may still be changed.
      const copy = fixedCopy(given);
      copy.headers.set("x-extra", "1");
      assert.equal(copy.headers.get("x-extra"), "1");
      assert.equal(given.headers.get("x-extra"), null);
    },
  );

  await t.step(
    "any other request (Deno.serve reads the body) gets a copy",
    async () => {
      const original = fixedResponse(200, '{"v":4}');
      const given = fixedFor(original, new Request("http://test/poll-status"));
      assert.notEqual(given, original);
      given.headers.set("x-extra", "1");
      assert.equal(original.headers.get("x-extra"), null);
      assert.equal(await given.text(), '{"v":4}');
      assert.ok(fixedAnswer(original));
    },
  );

  await t.step("not a fixed response: refused", () => {
    assert.throws(
      () => fixedFor(new Response("x"), new ConnectionRequest("http://test/")),
      TypeError,
    );
  });
});
