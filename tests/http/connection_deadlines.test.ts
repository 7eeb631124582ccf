/**
 * The app's connections have deadlines (HEADER_TIMEOUT_MS, BODY_TIMEOUT_MS,
 * IDLE_TIMEOUT_MS), a held poll is not idle, and oversized heads get JSON.
 */
import assert from "node:assert/strict";
import { startApp } from "../support/server.ts";
import { RawSocket } from "../support/raw_socket.ts";

const TIMEOUT_MS = 500;

Deno.test("connections that are slow or idle are closed after their deadline; a held poll is not", async (t) => {
  const app = await startApp({
    env: {
      HEADER_TIMEOUT_MS: String(TIMEOUT_MS),
      BODY_TIMEOUT_MS: String(TIMEOUT_MS),
      IDLE_TIMEOUT_MS: String(TIMEOUT_MS),
    },
  });
  const sockets: RawSocket[] = [];
  const open = async () => {
    const socket = await RawSocket.open(app.port);
    sockets.push(socket);
    return socket;
  };
  try {
    const before = await (await fetch(`${app.url}/get-status`)).json();

    await t.step(
      "a socket that never sends a request: HEADER_TIMEOUT_MS",
      async () => {
        const socket = await open();
        await socket.waitClosed(TIMEOUT_MS + 2_000);
        assert.ok(socket.openFor! >= TIMEOUT_MS - 50, `${socket.openFor} ms`);
      },
    );

    await t.step(
      "a head trickled one byte every 100 ms: HEADER_TIMEOUT_MS",
      async () => {
        const socket = await open();
        const sent = await socket.trickle(
          "GET /get-status HTTP/1.1\r\nHost: x\r\nX-Slow: " + "s".repeat(60) +
            "\r\n\r\n",
          100,
        );
        assert.ok(socket.closed, "the whole head went through");
        assert.ok(sent < 30, `${sent} bytes were read before the close`);
        assert.equal(socket.text, "");
      },
    );

    await t.step(
      "an update whose body comes one byte every 100 ms: BODY_TIMEOUT_MS, nothing applied",
      async () => {
        const socket = await open();
        const body = '{"status":"Terminée","x":"' + "x".repeat(20) + '"}';
        await socket.send(
          "POST /update-status HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
            `Content-Length: ${new TextEncoder().encode(body).length}\r\n\r\n`,
        );
        const sent = await socket.trickle(body, 100);
        assert.ok(socket.closed, "the whole body went through");
        assert.ok(sent < 20, `${sent} body bytes were read before the close`);
        const after = await (await fetch(`${app.url}/get-status`)).json();
        assert.equal(after.version, before.version);
      },
    );

    await t.step(
      "a keep-alive connection idle after its answer: IDLE_TIMEOUT_MS",
      async () => {
        const socket = await open();
        await socket.send("GET /get-status HTTP/1.1\r\nHost: x\r\n\r\n");
        assert.equal((await socket.response()).status, 200);
        const answered = performance.now();
        await socket.waitClosed(TIMEOUT_MS + 2_000);
        const idle = performance.now() - answered;
        assert.ok(
          idle >= TIMEOUT_MS - 50,
          `closed ${idle} ms after the answer`,
        );
      },
    );

    await t.step(
      "a poll held for 1 s, twice the idle timeout, is answered",
      async () => {
        const socket = await open();
        await socket.send(
          `GET /poll-status?last_version=${before.version}&epoch=${before.epoch}&timeout=1 HTTP/1.1\r\nHost: x\r\n\r\n`,
        );
        const answer = await socket.response(5_000);
        assert.equal(answer.status, 200);
        assert.equal(JSON.parse(answer.body).timeout, true);
        assert.ok(performance.now() - socket.openedAt >= 900);
      },
    );
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    const status = await app.stop();
    assert.equal(status.code, 0, app.output());
  }
});

Deno.test("oversized request heads get 431 or 414 with a JSON error", async (t) => {
  const app = await startApp();
  try {
    await t.step("headers over 16 KiB: 431", async () => {
      const response = await fetch(`${app.url}/get-status`, {
        headers: { "x-big": "a".repeat(20_000) },
      });
      assert.equal(response.status, 431);
      assert.equal(
        response.headers.get("content-type"),
        "application/json; charset=utf-8",
      );
      assert.deepEqual(await response.json(), {
        error: "the request headers are larger than 16384 bytes in all",
      });
    });
    await t.step("a URL over 8 KiB: 414", async () => {
      const response = await fetch(
        `${app.url}/get-status?pad=${"a".repeat(9_000)}`,
      );
      assert.equal(response.status, 414);
      assert.deepEqual(await response.json(), {
        error: "the request line is longer than 8192 bytes",
      });
    });
    await t.step("a head over 64 KiB: 431 too, not a bare 400", async () => {
      const response = await fetch(`${app.url}/get-status`, {
        headers: { "x-big": "a".repeat(70_000) },
      });
      assert.equal(response.status, 431);
      assert.match((await response.json()).error, /larger than 16384 bytes/);
    });
  } finally {
    const status = await app.stop();
    assert.equal(status.code, 0, app.output());
  }
});
