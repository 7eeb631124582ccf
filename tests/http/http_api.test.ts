/**
 * The HTTP contract (shared API.md), row by row, against the real app
 * process on an ephemeral port.
 */
import assert from "node:assert/strict";
import { sendPartial } from "../support/raw_http.ts";
import {
  type AppProcess,
  runAppToExit,
  startApp,
  waitFor,
} from "../support/server.ts";

async function json(response: Response) {
  return await response.json();
}

function update(
  app: AppProcess,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${app.url}/update-status`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function metric(app: AppProcess, name: string): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return Number(line?.split(" ")[1]);
}

function assertApiHeaders(response: Response) {
  assert.equal(
    response.headers.get("content-type"),
    "application/json; charset=utf-8",
  );
  assert.equal(response.headers.get("cache-control"), "no-store");
}

Deno.test("HTTP API", async (t) => {
  const app = await startApp({ env: { POLL_TIMEOUT_MS: "3000" } });
  try {
    await t.step(
      "GET /get-status answers the state with ETag and X-Status-Version",
      async () => {
        const response = await fetch(`${app.url}/get-status`);
        assert.equal(response.status, 200);
        assertApiHeaders(response);
        const state = await json(response);
        assert.deepEqual(Object.keys(state).sort(), [
          "epoch",
          "status",
          "task",
          "updatedAt",
          "version",
        ]);
        assert.deepEqual(state.task, { id: "default", name: "Tâche" });
        assert.equal(state.status, "En attente");
        assert.equal(state.version, 0);
        assert.equal(response.headers.get("etag"), `"${state.epoch}.0"`);
        assert.equal(response.headers.get("x-status-version"), "0");
      },
    );

    await t.step(
      "GET /get-status with a matching If-None-Match answers 304, no body",
      async () => {
        const first = await fetch(`${app.url}/get-status`);
        await first.body?.cancel();
        const etag = first.headers.get("etag")!;
        const second = await fetch(`${app.url}/get-status`, {
          headers: { "if-none-match": etag },
        });
        assert.equal(second.status, 304);
        assert.equal(await second.text(), "");
        assert.equal(second.headers.get("cache-control"), "no-store");
        const stale = await fetch(`${app.url}/get-status`, {
          headers: { "if-none-match": '"other.0"' },
        });
        assert.equal(stale.status, 200);
        await stale.body?.cancel();
      },
    );

    let epoch = "";
    await t.step(
      "a change answers 200 with the success message and the new version",
      async () => {
        const response = await update(app, { status: "En cours" });
        assert.equal(response.status, 200);
        assertApiHeaders(response);
        assert.equal(response.headers.get("x-status-version"), "1");
        const body = await json(response);
        assert.equal(body.message, "Statut mis à jour avec succès");
        assert.equal(body.status, "En cours");
        assert.equal(body.version, 1);
        epoch = body.epoch;
      },
    );

    await t.step(
      "the status it already has answers Statut inchangé, same version",
      async () => {
        const body = await json(await update(app, { status: "En cours" }));
        assert.equal(body.message, "Statut inchangé");
        assert.equal(body.version, 1);
      },
    );

    await t.step("a decomposed É is accepted as the NFC status", async () => {
      const body = await json(await update(app, { status: "E\u0301chec" }));
      assert.equal(body.status, "Échec");
      assert.equal(body.version, 2);
    });

    await t.step("bad bodies answer 400 with a message", async () => {
      for (const bad of ["not json", "[1]", "{}", '{"status":3}']) {
        const response = await update(app, bad);
        assert.equal(response.status, 400, bad);
        assertApiHeaders(response);
        assert.equal(typeof (await json(response)).error, "string");
      }
    });

    await t.step(
      "an unknown status answers 400 listing the allowed ones",
      async () => {
        const response = await update(app, { status: "en cours" });
        assert.equal(response.status, 400);
        assert.deepEqual((await json(response)).allowed, [
          "En attente",
          "En cours",
          "Terminée",
          "Échec",
        ]);
      },
    );

    await t.step(
      "a stale expected_version answers 409 and changes nothing",
      async () => {
        const response = await update(app, {
          status: "Terminée",
          expected_version: 1,
        });
        assert.equal(response.status, 409);
        const body = await json(response);
        assert.match(body.error, /expected_version/);
        assert.equal(body.version, 2);
        assert.equal(body.status, "Échec");
        const now = await json(await fetch(`${app.url}/get-status`));
        assert.equal(now.version, 2);
      },
    );

    await t.step("a body that is not declared JSON answers 415", async () => {
      const response = await fetch(`${app.url}/update-status`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: '{"status":"En cours"}',
      });
      assert.equal(response.status, 415);
      assertApiHeaders(response);
      await response.body?.cancel();
    });

    await t.step(
      "a 1 MiB body sent slowly answers 413 without being read",
      async () => {
        const head = `POST /update-status HTTP/1.1\r\nHost: localhost\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${
            1024 * 1024
          }\r\n\r\n`;
        const response = await sendPartial(
          app.port,
          head,
          new TextEncoder().encode('{"status":'),
        );
        assert.equal(response.status, 413);
        assert.match(JSON.parse(response.body).error, /4096 bytes/);
      },
    );

    await t.step(
      "a chunked body past 4 KiB answers 413 once 4 KiB are read",
      async () => {
        const head = `POST /update-status HTTP/1.1\r\nHost: localhost\r\n` +
          `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
        const chunk = "x".repeat(5000);
        const response = await sendPartial(
          app.port,
          head,
          new TextEncoder().encode(
            `${chunk.length.toString(16)}\r\n${chunk}\r\n`,
          ),
        );
        assert.equal(response.status, 413);
      },
    );

    await t.step(
      "another method on /update-status answers 405 with Allow: POST",
      async () => {
        const response = await fetch(`${app.url}/update-status`);
        assert.equal(response.status, 405);
        assert.match(response.headers.get("allow") ?? "", /POST/);
        await response.body?.cancel();
      },
    );

    await t.step(
      "a poll without last_version answers the current state at once",
      async () => {
        const response = await fetch(`${app.url}/poll-status`);
        assertApiHeaders(response);
        assert.equal(response.headers.get("x-status-version"), "2");
        const body = await json(response);
        assert.equal(body.version, 2);
        assert.equal(body.changes, undefined);
      },
    );

    await t.step("a bad last_version answers 400", async () => {
      for (const bad of ["-1", "abc", "1.5", "9007199254740992"]) {
        const response = await fetch(
          `${app.url}/poll-status?last_version=${bad}`,
        );
        assert.equal(response.status, 400, bad);
        assert.match((await json(response)).error, /last_version/);
      }
    });

    await t.step("a foreign epoch answers reset:true at once", async () => {
      const body = await json(
        await fetch(`${app.url}/poll-status?last_version=2&epoch=someone-else`),
      );
      assert.equal(body.reset, true);
      assert.equal(body.version, 2);
    });

    await t.step(
      "a version ahead of the server answers reset:true at once",
      async () => {
        const body = await json(
          await fetch(`${app.url}/poll-status?last_version=50&epoch=${epoch}`),
        );
        assert.equal(body.reset, true);
      },
    );

    await t.step(
      "a client that missed several updates gets them all as changes",
      async () => {
        for (const status of ["En attente", "En cours", "Terminée"]) {
          await (await update(app, { status })).body?.cancel();
        }
        const response = await fetch(
          `${app.url}/poll-status?last_version=1&epoch=${epoch}`,
        );
        assert.equal(response.headers.get("x-status-version"), "5");
        const body = await json(response);
        assert.deepEqual(
          body.changes.map((
            c: { version: number; status: string },
          ) => [c.version, c.status]),
          [[2, "Échec"], [3, "En attente"], [4, "En cours"], [5, "Terminée"]],
        );
        assert.equal(body.truncated, undefined);
      },
    );

    await t.step("a held poll is answered by the next change", async () => {
      const poll = fetch(
        `${app.url}/poll-status?last_version=5&epoch=${epoch}`,
      );
      await waitFor(
        async () => (await metric(app, "status_waiters")) === 1,
        2000,
        "a waiter",
      );
      await (await update(app, { status: "En cours" })).body?.cancel();
      const response = await poll;
      assert.equal(response.headers.get("x-status-version"), "6");
      const body = await json(response);
      assert.equal(body.status, "En cours");
      assert.deepEqual(
        body.changes.map((c: { version: number }) => c.version),
        [6],
      );
    });

    await t.step(
      "timeout=1 answers timeout:true after 1 s less at most 1/16",
      async () => {
        const started = performance.now();
        const body = await json(
          await fetch(
            `${app.url}/poll-status?last_version=6&epoch=${epoch}&timeout=1`,
          ),
        );
        const elapsed = performance.now() - started;
        assert.equal(body.timeout, true);
        assert.equal(body.version, 6);
        assert.ok(
          elapsed >= 1000 - 1000 / 16 - 5,
          `answered after ${elapsed} ms`,
        );
        assert.ok(elapsed < 1000 + 500, `answered after ${elapsed} ms`);
      },
    );

    await t.step("a timeout above the hold time answers 400", async () => {
      const response = await fetch(
        `${app.url}/poll-status?last_version=6&timeout=4`,
      );
      assert.equal(response.status, 400);
      assert.match((await json(response)).error, /timeout/);
    });

    await t.step(
      "without timeout= a poll is held for POLL_TIMEOUT_MS",
      async () => {
        const started = performance.now();
        const body = await json(
          await fetch(`${app.url}/poll-status?last_version=6`),
        );
        const elapsed = performance.now() - started;
        assert.equal(body.timeout, true);
        assert.ok(
          elapsed >= 3000 - 3000 / 16 - 5 && elapsed < 3500,
          `${elapsed} ms`,
        );
      },
    );

    await t.step("GET /healthz answers ok", async () => {
      const response = await fetch(`${app.url}/healthz`);
      assert.equal(response.status, 200);
      assert.equal((await json(response)).ok, true);
    });

    await t.step("GET /metrics counts updates and poll outcomes", async () => {
      const response = await fetch(`${app.url}/metrics`);
      assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
      const text = await response.text();
      assert.match(text, /^status_version 6$/m);
      assert.match(text, /^status_updates_total 6$/m);
      assert.match(text, /^status_poll_answers_total\{outcome="timeout"\} 2$/m);
      assert.match(text, /^status_poll_answers_total\{outcome="reset"\} 2$/m);
      assert.match(text, /^status_poll_answers_total\{outcome="changed"\} 2$/m);
      assert.match(text, /^status_fanout_seconds_count 1$/m);
    });

    await t.step(
      "an unknown API path answers 404 in JSON, another path an HTML page",
      async () => {
        const api = await fetch(`${app.url}/poll-status/extra`);
        assert.equal(api.status, 404);
        assert.match((await json(api)).error, /no such endpoint/);
        const page = await fetch(`${app.url}/nowhere`);
        assert.equal(page.status, 404);
        assert.match(page.headers.get("content-type") ?? "", /text\/html/);
        assert.match(await page.text(), /Page introuvable/);
      },
    );

    await t.step("1,000 held polls all receive one update", async () => {
      const version =
        (await json(await fetch(`${app.url}/get-status`))).version;
      const polls = Array.from(
        { length: 1000 },
        () =>
          fetch(`${app.url}/poll-status?last_version=${version}&epoch=${epoch}`)
            .then(json),
      );
      await waitFor(
        async () => (await metric(app, "status_waiters")) === 1000,
        10_000,
        "1,000 waiters",
      );
      await (await update(app, { status: "Terminée" })).body?.cancel();
      const answers = await Promise.all(polls);
      for (const answer of answers) {
        assert.equal(answer.version, version + 1);
        assert.equal(answer.status, "Terminée");
      }
    });

    await t.step(
      "1,000 polls abandoned by their clients leave no waiter within a second",
      async () => {
        const version =
          (await json(await fetch(`${app.url}/get-status`))).version;
        const controller = new AbortController();
        const polls = Array.from(
          { length: 1000 },
          () =>
            fetch(`${app.url}/poll-status?last_version=${version}`, {
              signal: controller.signal,
            }).catch((error) => error),
        );
        await waitFor(
          async () => (await metric(app, "status_waiters")) === 1000,
          10_000,
          "1,000 waiters",
        );
        controller.abort();
        await Promise.all(polls);
        await waitFor(
          async () => (await metric(app, "status_waiters")) === 0,
          1_000,
          "no waiters",
        );
      },
    );
  } finally {
    await app.stop();
  }
});

Deno.test("with ADMIN_TOKEN an update needs the bearer token", async () => {
  const app = await startApp({ env: { ADMIN_TOKEN: "tok-123" } });
  try {
    for (const authorization of [undefined, "Bearer wrong", "Basic tok-123"]) {
      const response = await update(
        app,
        { status: "En cours" },
        authorization ? { authorization } : {},
      );
      assert.equal(response.status, 401);
      assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
      assert.match((await json(response)).error, /admin token/);
    }
    const ok = await update(app, { status: "En cours" }, {
      authorization: "Bearer tok-123",
    });
    assert.equal(ok.status, 200);
    assert.equal((await json(ok)).version, 1);
  } finally {
    await app.stop();
  }
});

Deno.test("past MAX_WAITERS a poll answers 503 with Retry-After", async () => {
  const app = await startApp({ env: { MAX_WAITERS: "3" } });
  try {
    const controller = new AbortController();
    const held = Array.from(
      { length: 3 },
      () =>
        fetch(`${app.url}/poll-status?last_version=0`, {
          signal: controller.signal,
        })
          .catch((e) => e),
    );
    await waitFor(
      async () => (await metric(app, "status_waiters")) === 3,
      5000,
      "3 waiters",
    );
    const refused = await fetch(`${app.url}/poll-status?last_version=0`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "5");
    assert.match((await json(refused)).error, /MAX_WAITERS/);
    controller.abort();
    await Promise.all(held);
  } finally {
    await app.stop();
  }
});

Deno.test("SIGTERM answers 100 held polls with the current state, then exits 0", async () => {
  const app = await startApp();
  const { task: _, ...state } = await json(
    await fetch(`${app.url}/get-status`),
  );
  const polls = Array.from(
    { length: 100 },
    () =>
      fetch(`${app.url}/poll-status?last_version=0&epoch=${state.epoch}`).then(
        json,
      ),
  );
  await waitFor(
    async () => (await metric(app, "status_waiters")) === 100,
    5000,
    "100 waiters",
  );
  const status = await app.stop("SIGTERM");
  const answers = await Promise.all(polls);
  for (const answer of answers) assert.deepEqual(answer, state);
  assert.equal(status.code, 0);
});

Deno.test("bad configuration stops the server with one line naming the variable", async (t) => {
  for (
    const [name, value] of [["PORT", "abc"], ["POLL_TIMEOUT_MS", "-1"], [
      "MAX_WAITERS",
      "x",
    ]]
  ) {
    await t.step(`${name}=${value}`, async () => {
      const { code, output } = await runAppToExit({ [name]: value });
      assert.notEqual(code, 0);
      const lines = output.trim().split("\n");
      assert.equal(lines.length, 1, output);
      assert.match(lines[0], new RegExp(name));
    });
  }
});
