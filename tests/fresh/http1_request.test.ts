/** The server's request: an ordinary Request whose signal says the client left. */
import assert from "node:assert/strict";
import { ConnectionRequest } from "../../lib/fresh/http1_request.ts";

Deno.test("a connection's request is an ordinary Request", async () => {
  const request = new ConnectionRequest("http://test/p?q=1", {
    method: "POST",
    headers: [["content-type", "text/plain"]],
    body: "hello",
  });
  assert.ok(request instanceof Request);
  assert.equal(request.method, "POST");
  assert.equal(new URL(request.url).search, "?q=1");
  assert.equal(request.headers.get("content-type"), "text/plain");
  assert.equal(await request.text(), "hello");
});

Deno.test("its signal aborts when the client leaves", async (t) => {
  await t.step("a signal taken before", () => {
    const request = new ConnectionRequest("http://test/");
    const signal = request.signal;
    let heard = 0;
    signal.addEventListener("abort", () => heard++);
    assert.equal(signal.aborted, false);
    assert.equal(request.left, false);
    request.clientLeft();
    assert.equal(signal.aborted, true);
    assert.equal(heard, 1);
    assert.equal(request.left, true);
    assert.equal(request.signal, signal, "one signal, always the same");
  });

  await t.step("a signal first taken after is already aborted", () => {
    const request = new ConnectionRequest("http://test/");
    request.clientLeft();
    assert.equal(request.signal.aborted, true);
  });
});
