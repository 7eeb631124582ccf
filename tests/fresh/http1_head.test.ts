import assert from "node:assert/strict";
import {
  findHeadEnd,
  type HeadLimits,
  oversizedHead,
  parseHead,
} from "../../lib/fresh/http1_head.ts";

const LIMITS: HeadLimits = { maxHeadBytes: 1024, maxUriBytes: 256 };
const bytes = (text: string) => new TextEncoder().encode(text);

function parse(text: string) {
  const buf = bytes(text);
  const end = findHeadEnd(buf, 0, buf.length);
  assert.ok(end > 0, "the head is complete");
  return parseHead(buf, end, LIMITS);
}

Deno.test("a request head ends at its first empty line", async (t) => {
  await t.step("CRLF line ends, and bare LF ones", () => {
    assert.equal(
      findHeadEnd(bytes("GET / HTTP/1.1\r\nA: b\r\n\r\nbody"), 0, 28),
      24,
    );
    assert.equal(findHeadEnd(bytes("GET / HTTP/1.1\nA: b\n\nbody"), 0, 25), 21);
  });
  await t.step("not before it has arrived", () => {
    const buf = bytes("GET / HTTP/1.1\r\nA: b\r\n\r");
    assert.equal(findHeadEnd(buf, 0, buf.length), -1);
  });
  await t.step("found when the last bytes come later", () => {
    const buf = bytes("GET / HTTP/1.1\r\nA: b\r\n\r\n");
    assert.equal(findHeadEnd(buf, 0, 23), -1);
    assert.equal(findHeadEnd(buf, 23, buf.length), buf.length);
  });
});

Deno.test("a request head is read into what the server needs", async (t) => {
  await t.step("method, target, version, headers with lower-case names", () => {
    const parsed = parse(
      "GET /poll-status?x=1 HTTP/1.1\r\nHost: a:1\r\nX-Thing:  v w \r\n\r\n",
    );
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.head, {
      method: "GET",
      target: "/poll-status?x=1",
      minor: 1,
      headers: [["host", "a:1"], ["x-thing", "v w"]],
      host: "a:1",
      contentLength: undefined,
      chunked: false,
      keepAlive: true,
      expectContinue: false,
      plain: true,
    });
  });
  await t.step("plain: no condition, no range, no credentials", () => {
    const plain = (header: string) => {
      const p = parse(`GET / HTTP/1.1\r\nHost: a\r\n${header}\r\n`);
      return p.ok && p.head.plain;
    };
    assert.equal(plain("Accept: */*\r\n"), true);
    for (
      const header of [
        'If-None-Match: "e"',
        "If-Modified-Since: Tue, 01 Dec 2026 10:00:00 GMT",
        "Range: bytes=0-1",
        "Authorization: Bearer t",
        "Cookie: a=b",
      ]
    ) {
      assert.equal(plain(`${header}\r\n`), false, header);
    }
  });
  await t.step(
    "keep-alive: 1.1 unless Connection: close, 1.0 only with keep-alive",
    () => {
      const keep = (text: string) => {
        const p = parse(text);
        return p.ok && p.head.keepAlive;
      };
      assert.equal(
        keep("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
        false,
      );
      assert.equal(keep("GET / HTTP/1.0\r\n\r\n"), false);
      assert.equal(
        keep("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"),
        true,
      );
    },
  );
  await t.step("a body by Content-Length, or chunked", () => {
    const length = parse(
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n",
    );
    assert.ok(length.ok && length.head.contentLength === 12);
    const chunked = parse(
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
    );
    assert.ok(
      chunked.ok && chunked.head.chunked && chunked.head.expectContinue,
    );
  });
});

Deno.test("a bad request head is refused with the status that says why", async (t) => {
  const cases: [string, string, number, RegExp][] = [
    ["no version", "GET /\r\n\r\n", 400, /request line/],
    [
      "HTTP/2.0 over HTTP/1",
      "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
      505,
      /version 2\.0/,
    ],
    ["no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400, /Host/],
    [
      "two Host headers",
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      400,
      /Host/,
    ],
    [
      "a target that is no path",
      "GET x HTTP/1.1\r\nHost: a\r\n\r\n",
      400,
      /target/,
    ],
    [
      "a folded header",
      "GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n",
      400,
      /folded/,
    ],
    [
      "a header without a colon",
      "GET / HTTP/1.1\r\nHost: a\r\nBad\r\n\r\n",
      400,
      /malformed/,
    ],
    [
      "a Content-Length that is no number",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n",
      400,
      /Content-Length/,
    ],
    [
      "two different Content-Lengths",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      400,
      /conflicting/,
    ],
    [
      "Content-Length and Transfer-Encoding",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
      400,
      /both/,
    ],
    [
      "a coding other than chunked",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      501,
      /only chunked/,
    ],
  ];
  for (const [what, text, status, error] of cases) {
    await t.step(`${what}: ${status}`, () => {
      const parsed = parse(text);
      assert.ok(!parsed.ok);
      assert.equal(parsed.status, status);
      assert.match(parsed.error, error);
    });
  }
});

Deno.test("an oversized head is refused before it is complete: 414 for the line, 431 for the head", () => {
  const longLine = bytes(`GET /${"a".repeat(300)}`);
  assert.deepEqual(oversizedHead(longLine, longLine.length, LIMITS), {
    status: 414,
    error: "the request line is longer than 256 bytes",
  });
  const bigHead = bytes(`GET / HTTP/1.1\r\nX: ${"a".repeat(1100)}`);
  assert.deepEqual(oversizedHead(bigHead, bigHead.length, LIMITS), {
    status: 431,
    error: "the request headers are larger than 1024 bytes in all",
  });
  const small = bytes("GET / HTTP/1.1\r\nX: a");
  assert.equal(oversizedHead(small, small.length, LIMITS), undefined);
});
