/**
 * The guarded HTTP/1.1 server of the core, in process, talked to over raw
 * sockets: what it serves, and the deadlines and limits it enforces.
 */
import assert from "node:assert/strict";
import {
  type Http1Handler,
  type Http1Server,
  serveHttp1,
  type ServerTimeouts,
} from "../../lib/fresh/http1_server.ts";
import {
  ConnectionBudget,
  type ConnectionCaps,
} from "../../lib/fresh/connection_budget.ts";
import {
  fixedCopy,
  fixedFor,
  fixedResponse,
} from "../../lib/fresh/fixed_response.ts";
import { repeatable } from "../../lib/fresh/repeat_answers.ts";
import { RawSocket } from "../support/raw_socket.ts";
import { waitFor } from "./fixture.ts";

const SHORT: ServerTimeouts = { headerMs: 400, bodyMs: 400, idleMs: 400 };

interface Served {
  server: Http1Server;
  port: number;
  open(): Promise<RawSocket>;
}

async function withServer(
  handler: Http1Handler,
  fn: (s: Served) => Promise<void>,
  options: { timeouts?: ServerTimeouts; caps?: ConnectionCaps } = {},
): Promise<void> {
  const budget = new ConnectionBudget(
    options.caps ?? { soft: 1_000, hard: 1_100 },
  );
  const server = serveHttp1({
    port: 0,
    hostname: "127.0.0.1",
    timeouts: options.timeouts ?? SHORT,
    budget,
  }, handler);
  const sockets: RawSocket[] = [];
  const served: Served = {
    server,
    port: server.addr.port,
    async open() {
      const socket = await RawSocket.open(server.addr.port);
      sockets.push(socket);
      return socket;
    },
  };
  try {
    await fn(served);
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await server.shutdown();
    // Every connection was forgotten: nothing is left counted.
    assert.equal(budget.open, 0);
    assert.equal(server.stats().active, 0);
  }
}

const hello: Http1Handler = (req) =>
  new Response(JSON.stringify({ path: new URL(req.url).pathname }), {
    headers: { "content-type": "application/json" },
  });

const GET = (path: string, extra = "") =>
  `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`;

Deno.test("the guarded server answers HTTP/1.1 requests", async (t) => {
  let lastFixed: Response | undefined;
  await withServer(async (req) => {
    if (req.method === "POST") {
      return new Response(`got ${(await req.text()).length} bytes`);
    }
    if (new URL(req.url).pathname === "/fixed") {
      lastFixed = fixedResponse(200, "déjà fixed", { "x-kind": "fixed" });
      return lastFixed;
    }
    if (new URL(req.url).pathname === "/stream") {
      return new Response(
        ReadableStream.from(["a", "bc", "def"]).pipeThrough(
          new TextEncoderStream(),
        ),
      );
    }
    return hello(req, { remoteAddr: undefined!, localAddr: undefined! });
  }, async ({ open, port }) => {
    await t.step("several requests on one keep-alive connection", async () => {
      const socket = await open();
      for (const path of ["/a", "/b", "/c"]) {
        socket.clear();
        await socket.send(GET(path));
        const answer = await socket.response();
        assert.equal(answer.status, 200);
        assert.deepEqual(JSON.parse(answer.body), { path });
        assert.equal(answer.headers.get("connection"), null);
      }
      assert.equal(socket.closed, false);
    });

    await t.step("pipelined requests are answered in order", async () => {
      const socket = await open();
      await socket.send(GET("/one") + GET("/two"));
      await waitFor(() => socket.text.includes('"/two"'), 5_000, "two answers");
      assert.ok(socket.text.indexOf('"/one"') < socket.text.indexOf('"/two"'));
    });

    await t.step("a body with Content-Length, and a chunked one", async () => {
      const socket = await open();
      await socket.send(
        "POST /p HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello",
      );
      assert.equal((await socket.response()).body, "got 5 bytes");
      socket.clear();
      await socket.send(
        "POST /p HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n" +
          "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n",
      );
      assert.equal((await socket.response()).body, "got 7 bytes");
    });

    await t.step("a streamed response goes out chunked", async () => {
      const response = await fetch(`http://127.0.0.1:${port}/stream`);
      assert.equal(response.headers.get("transfer-encoding"), "chunked");
      assert.equal(await response.text(), "abcdef");
    });

    await t.step("HEAD gets the head only", async () => {
      const socket = await open();
      await socket.send(
        "HEAD /h HTTP/1.1\r\nHost: test\r\n\r\n" + GET("/after"),
      );
      await waitFor(
        () => socket.text.includes('"/after"'),
        5_000,
        "the next answer",
      );
      assert.match(socket.text, /^HTTP\/1\.1 200 OK\r\n/);
      assert.equal(socket.text.split("HTTP/1.1 200").length, 3);
    });

    await t.step(
      "a fixed response is written from its bytes, its body stream never read",
      async () => {
        const socket = await open();
        await socket.send(GET("/fixed"));
        const answer = await socket.response();
        assert.equal(answer.body, "déjà fixed");
        assert.equal(answer.headers.get("content-length"), "12");
        assert.equal(answer.headers.get("x-kind"), "fixed");
        assert.equal(lastFixed?.bodyUsed, false);
      },
    );

    await t.step("fetch works against it", async () => {
      const response = await fetch(`http://127.0.0.1:${port}/f?x=1`);
      assert.deepEqual(await response.json(), { path: "/f" });
    });
  });
});

Deno.test("copies of one fixed answer are written alike, unless their headers changed", async () => {
  const original = fixedResponse(200, '{"v":1}', { "x-kind": "shared" });
  let extra: string | undefined;
  await withServer(() => {
    const copy = fixedCopy(original);
    if (extra !== undefined) copy.headers.set("x-extra", extra);
    return copy;
  }, async ({ open }) => {
    const socket = await open();
    const answers = [];
    for (const wanted of [undefined, "first", undefined, "second"]) {
      extra = wanted;
      socket.clear();
      await socket.send(GET("/"));
      answers.push(await socket.response());
    }
    // The first and third are the same prepared bytes; the changed copies
    // are written with their own headers, not the ones prepared before.
    assert.deepEqual(answers.map((a) => a.headers.get("x-extra")), [
      null,
      "first",
      null,
      "second",
    ]);
    for (const answer of answers) {
      assert.equal(answer.body, '{"v":1}');
      assert.equal(answer.headers.get("x-kind"), "shared");
    }
  });
  // Changing the original after copies were sent: the next copies follow.
  original.headers.set("x-kind", "changed");
  await withServer(() => fixedCopy(original), async ({ open }) => {
    const socket = await open();
    await socket.send(GET("/"));
    assert.equal((await socket.response()).headers.get("x-kind"), "changed");
  });
});

Deno.test("one fixed response answers many requests at once, whatever each client does", async () => {
  const shared = fixedResponse(200, '{"v":7}', { "x-kind": "shared" });
  const release = Promise.withResolvers<void>();
  let held = 0;
  let left = 0;
  await withServer(async (req) => {
    held++;
    req.signal.addEventListener("abort", () => left++);
    await release.promise;
    return fixedFor(shared, req);
  }, async ({ open }) => {
    // Answered first: a client that left, then a HEAD. Neither may use up
    // the shared body before the GETs are written.
    const leaving = await open();
    await leaving.send(GET("/poll"));
    await waitFor(() => held === 1, 5_000, "the leaver's request");
    const head = await open();
    await head.send("HEAD /poll HTTP/1.1\r\nHost: test\r\n\r\n");
    await waitFor(() => held === 2, 5_000, "the HEAD request");
    const gets = [await open(), await open(), await open()];
    for (const socket of gets) await socket.send(GET("/poll"));
    await waitFor(() => held === 5, 5_000, "five held requests");
    await leaving.close();
    await waitFor(() => left === 1, 5_000, "the leaver noticed");
    release.resolve();
    assert.equal((await head.response()).body, "");
    for (const socket of gets) {
      const answer = await socket.response();
      assert.equal(answer.status, 200);
      assert.equal(answer.body, '{"v":7}');
      assert.equal(answer.headers.get("x-kind"), "shared");
    }
    // Still whole for the next request on a kept connection.
    gets[0].clear();
    await gets[0].send(GET("/poll"));
    assert.equal((await gets[0].response()).body, '{"v":7}');
  });
});

Deno.test("a head sent again on a kept connection is read as it is, byte for byte", async () => {
  const seen: string[] = [];
  await withServer((req) => {
    const tag = req.headers.get("x-tag") ?? "-";
    seen.push(`${new URL(req.url).pathname} ${tag}`);
    return new Response(tag);
  }, async ({ open }) => {
    const socket = await open();
    // The same head twice, then heads of the same length that differ in
    // one byte, then one with another header.
    for (
      const head of [
        GET("/a", "x-tag: 1\r\n"),
        GET("/a", "x-tag: 1\r\n"),
        GET("/b", "x-tag: 1\r\n"),
        GET("/b", "x-tag: 2\r\n"),
        GET("/a"),
        GET("/a", "x-tag: 1\r\n"),
      ]
    ) {
      socket.clear();
      await socket.send(head);
      await socket.response();
    }
    assert.deepEqual(seen, ["/a 1", "/a 1", "/b 1", "/b 2", "/a -", "/a 1"]);
  });
});

Deno.test("a repeatable answer is given again to plain GETs without the handler, while current", async () => {
  let version = 1;
  let calls = 0;
  await withServer((req) => {
    calls++;
    const seen = version;
    return repeatable(
      fixedResponse(
        200,
        `{"v":${seen},"path":"${new URL(req.url).pathname}"}`,
        {
          "x-made": String(calls),
        },
      ),
      () => version === seen,
    );
  }, async ({ open }) => {
    const socket = await open();
    const ask = async (request: string) => {
      socket.clear();
      await socket.send(request);
      return await socket.response();
    };
    const first = await ask(GET("/s"));
    const again = await ask(GET("/s"));
    assert.equal(calls, 1);
    assert.equal(again.body, first.body);
    assert.equal(again.headers.get("x-made"), "1");
    // Anything but a plain GET of the same URL goes to the handler.
    await ask(GET("/s?other"));
    await ask(GET("/s", 'If-None-Match: "x"\r\n'));
    await ask(GET("/s", "Authorization: Bearer t\r\n"));
    assert.equal(
      (await ask("HEAD /s HTTP/1.1\r\nHost: test\r\n\r\n")).body,
      "",
    );
    assert.equal(calls, 5);
    // Once the answer is stale, the handler makes the next one.
    version = 2;
    const changed = await ask(GET("/s"));
    assert.equal(JSON.parse(changed.body).v, 2);
    assert.equal(calls, 6);
    // Closing is still the client's to ask.
    const last = await ask(GET("/s", "Connection: close\r\n"));
    assert.equal(calls, 6);
    assert.equal(last.headers.get("connection"), "close");
  });
});

Deno.test("a client that leaves aborts its request's signal", async () => {
  const aborted = Promise.withResolvers<void>();
  await withServer((req) =>
    new Promise((resolve) => {
      req.signal.addEventListener("abort", () => {
        aborted.resolve();
        resolve(new Response(null, { status: 499 }));
      });
    }), async ({ open, server }) => {
    const socket = await open();
    await socket.send(GET("/held"));
    await waitFor(() => server.stats().active === 1, 5_000, "the request");
    await socket.close();
    await aborted.promise;
    await waitFor(
      () => server.stats().open === 0,
      5_000,
      "the connection to go",
    );
  });
});

Deno.test("connection deadlines", async (t) => {
  await withServer(async (req) => {
    if (req.method === "POST") return new Response(await req.text());
    if (new URL(req.url).pathname === "/hold") {
      await new Promise((r) => setTimeout(r, 1_500));
    }
    return new Response("ok");
  }, async ({ open, server }) => {
    await t.step(
      "a socket that sends nothing is closed after the header timeout",
      async () => {
        const socket = await open();
        await socket.waitClosed(3_000);
        assert.ok(socket.openFor! >= 350, `closed after ${socket.openFor} ms`);
        assert.equal(socket.text, "");
      },
    );

    await t.step(
      "a head trickled byte by byte is closed after the header timeout",
      async () => {
        const socket = await open();
        const sent = await socket.trickle(
          GET("/slow", "X-Padding: " + "p".repeat(100) + "\r\n"),
          50,
        );
        assert.ok(
          socket.closed,
          "still open after the whole head was trickled",
        );
        assert.ok(sent < 40, `the server read ${sent} bytes before closing`);
        assert.ok(socket.openFor! < 1_500, `closed after ${socket.openFor} ms`);
      },
    );

    await t.step(
      "a body sent too slowly is closed after the body timeout",
      async () => {
        const socket = await open();
        await socket.send(
          "POST /b HTTP/1.1\r\nHost: test\r\nContent-Length: 50\r\n\r\n",
        );
        const sent = await socket.trickle("x".repeat(50), 50);
        assert.ok(socket.closed);
        assert.ok(
          sent < 30,
          `the server read ${sent} body bytes before closing`,
        );
        assert.ok(!socket.text.startsWith("HTTP/1.1 200"), socket.text);
      },
    );

    await t.step(
      "an idle keep-alive connection is closed after the idle timeout",
      async () => {
        const socket = await open();
        await socket.send(GET("/once"));
        assert.equal((await socket.response()).body, "ok");
        const answeredAt = performance.now();
        await socket.waitClosed(3_000);
        const idle = performance.now() - answeredAt;
        assert.ok(idle >= 350, `closed ${idle} ms after the answer`);
      },
    );

    await t.step(
      "a request being handled is never closed by a deadline",
      async () => {
        const socket = await open();
        await socket.send(GET("/hold"));
        const answer = await socket.response(5_000);
        assert.equal(answer.body, "ok");
        assert.ok(performance.now() - socket.openedAt >= 1_400);
      },
    );

    const { timedOut } = server.stats();
    assert.ok(timedOut.head >= 2, JSON.stringify(timedOut));
    assert.ok(timedOut.body >= 1, JSON.stringify(timedOut));
    assert.ok(timedOut.idle >= 1, JSON.stringify(timedOut));
  });
});

Deno.test("a response with Connection: close closes the connection", async () => {
  await withServer(() =>
    new Response('{"error":"busy"}', {
      status: 503,
      headers: { connection: "close", "retry-after": "5" },
    }), async ({ open }) => {
    const socket = await open();
    await socket.send(GET("/busy"));
    const answer = await socket.response();
    assert.equal(answer.status, 503);
    assert.equal(answer.headers.get("connection"), "close");
    assert.equal(answer.headers.get("retry-after"), "5");
    // Closed by the server, although the client keeps its side open.
    await socket.waitClosed(1_000);
  }, { timeouts: { headerMs: 60_000, bodyMs: 60_000, idleMs: 60_000 } });
});

Deno.test("oversized heads get 431 or 414 as JSON, then the connection closes", async (t) => {
  await withServer(hello, async ({ open }) => {
    for (
      const [name, request, status, error] of [
        [
          "headers over 16 KiB: 431",
          GET("/", `X-Big: ${"a".repeat(20_000)}\r\n`),
          431,
          "the request headers are larger than 16384 bytes in all",
        ],
        [
          "a request line over 8 KiB: 414",
          GET(`/?q=${"a".repeat(9_000)}`),
          414,
          "the request line is longer than 8192 bytes",
        ],
        [
          "a head far over the limit, still being sent: 431",
          GET("/", `X-Big: ${"a".repeat(200_000)}\r\n`),
          431,
          "the request headers are larger than 16384 bytes in all",
        ],
      ] as const
    ) {
      await t.step(name, async () => {
        const socket = await open();
        void socket.send(request);
        const answer = await socket.response();
        assert.equal(answer.status, status);
        assert.equal(
          answer.headers.get("content-type"),
          "application/json; charset=utf-8",
        );
        assert.deepEqual(JSON.parse(answer.body), { error });
        await socket.waitClosed(3_000);
      });
    }
    await t.step("a malformed head: 400 as JSON", async () => {
      const socket = await open();
      await socket.send("GET /\r\n\r\n");
      const answer = await socket.response();
      assert.equal(answer.status, 400);
      assert.match(JSON.parse(answer.body).error, /request line/);
    });
  });
});

Deno.test("short of descriptors, the oldest idle connection makes room for a new client", async () => {
  await withServer(hello, async ({ open, server }) => {
    const idle: RawSocket[] = [];
    for (let i = 0; i < 4; i++) idle.push(await open());
    await waitFor(() => server.stats().head === 4, 5_000, "four idle sockets");
    // Past the grace every connection gets to send its head (3/4 of the
    // header timeout), and before the header timeout closes them anyway.
    await new Promise((r) => setTimeout(r, 1_600));
    const client = await open();
    await client.send(GET("/get-status"));
    assert.equal((await client.response()).status, 200);
    await idle[0].waitClosed(1_000);
    assert.equal(server.stats().shed, 1);
    assert.ok(idle.slice(1).every((s) => !s.closed));
  }, {
    caps: { soft: 2, hard: 4 },
    timeouts: { headerMs: 2_000, bodyMs: 60_000, idleMs: 60_000 },
  });
});

Deno.test("past the hard cap with nothing to shed, a new connection gets 503 and is closed", async () => {
  const release = Promise.withResolvers<void>();
  await withServer(async () => {
    await release.promise;
    return new Response("held");
  }, async ({ open, server }) => {
    const held: RawSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const socket = await open();
      await socket.send(GET("/hold"));
      held.push(socket);
    }
    await waitFor(
      () => server.stats().active === 3,
      5_000,
      "three held requests",
    );
    const late = await open();
    await late.send(GET("/get-status"));
    const answer = await late.response();
    assert.equal(answer.status, 503);
    assert.equal(answer.headers.get("retry-after"), "5");
    assert.equal(answer.headers.get("connection"), "close");
    await late.waitClosed(1_000);
    release.resolve();
    for (const socket of held) {
      assert.equal((await socket.response()).body, "held");
    }
    assert.equal(server.stats().refused, 1);
  }, { caps: { soft: 2, hard: 3 } });
});
