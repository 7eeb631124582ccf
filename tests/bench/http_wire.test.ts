import assert from "node:assert/strict";
import {
  header,
  jsonBody,
  parseResponse,
  WireError,
} from "../../bench/http_wire.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("the load client's response parser", async (t) => {
  await t.step(
    "reads a Content-Length body and says how many bytes it used",
    () => {
      const wire = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n" +
        'Retry-After: 1\r\n\r\n{"version":4}NEXT';
      const response = parseResponse(bytes(wire));
      assert.ok(response);
      assert.equal(response.status, 200);
      assert.deepEqual(jsonBody(response), { version: 4 });
      assert.equal(response.size, wire.length - "NEXT".length);
      assert.equal(header(response.head, "retry-after"), "1");
    },
  );

  await t.step("waits for the rest of a body split across reads", () => {
    const wire = 'HTTP/1.1 200 OK\r\ncontent-length: 13\r\n\r\n{"vers';
    assert.equal(parseResponse(bytes(wire)), null);
    assert.equal(parseResponse(bytes("HTTP/1.1 200 OK\r\nconte")), null);
  });

  await t.step("joins a chunked body and waits for its last chunk", () => {
    const head = "HTTP/1.1 503 Service Unavailable\r\n" +
      "Transfer-Encoding: chunked\r\n\r\n";
    const body = '5\r\n{"err\r\n8\r\nor":"x"}\r\n';
    assert.equal(parseResponse(bytes(head + body)), null);
    const response = parseResponse(bytes(head + body + "0\r\n\r\n"));
    assert.ok(response);
    assert.equal(response.status, 503);
    assert.deepEqual(jsonBody(response), { error: "x" });
    assert.equal(response.size, (head + body + "0\r\n\r\n").length);
  });

  await t.step("a 304 has no body whatever its headers say", () => {
    const response = parseResponse(
      bytes('HTTP/1.1 304 Not Modified\r\nETag: "e.1"\r\n\r\n'),
    );
    assert.equal(response?.status, 304);
    assert.equal(response?.body.length, 0);
  });

  await t.step("a peer that closes early is an error, not an answer", () => {
    assert.throws(
      () => parseResponse(bytes("HTTP/1.1 200 OK\r\n"), true),
      WireError,
    );
    assert.throws(
      () =>
        parseResponse(
          bytes("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}"),
          true,
        ),
      WireError,
    );
  });

  await t.step("anything but HTTP/1.x is rejected", () => {
    assert.throws(() => parseResponse(bytes("SSH-2.0-x\r\n\r\n")), WireError);
  });
});
