/**
 * The benchmark's two fan-out load clients, the Deno worker and the C one,
 * held to one behaviour against a scripted server on loopback: they open
 * and poll, poll again after a hold's timeout, read Content-Length and
 * chunked answers, take the top-level version, count 503s with Retry-After,
 * keep every answered connection open until the fan-out finishes, and
 * count refused connections by the same name.
 */
import assert from "node:assert/strict";
import { wallNow } from "../../bench/clock.ts";
import { buildNativeClient } from "../../bench/native_worker.ts";
import {
  DENO_WORKER,
  eventOf,
  LoadWorker,
  type WorkerProgram,
} from "../../bench/worker_pool.ts";
import type { FanoutAnswers } from "../../bench/worker_protocol.ts";
import { C_COMPILER, needs } from "../support/requirements.ts";

const ROOT = new URL("../../", import.meta.url);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const BODY = '{"status":"Terminée","changes":[{"version":99}],"version":7}';
const TIMEOUT_BODY = '{"timeout":true,"status":"En cours","version":1}';

const fixed = (status: string, body: string, extra = "") =>
  encoder.encode(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\n${extra}` +
      `content-length: ${encoder.encode(body).length}\r\n\r\n${body}`,
  );

function chunked(body: string): Uint8Array {
  const bytes = encoder.encode(body);
  const half = Math.floor(bytes.length / 2);
  const chunk = (part: Uint8Array) =>
    `${part.length.toString(16)}\r\n${decoder.decode(part)}\r\n`;
  return encoder.encode(
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" +
      chunk(bytes.subarray(0, half)) + chunk(bytes.subarray(half)) +
      "0\r\n\r\n",
  );
}

/**
 * Holds every poll; the first poll on every fifth connection is answered at
 * once as a hold that ran out. `release` answers the held ones: a 503 with
 * Retry-After on connections 1, 11, …, a chunked 200 on 2, 12, …, a
 * Content-Length 200 in two parts on 3, 13, …, and in one elsewhere.
 */
class ScriptedServer {
  readonly listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly port = (this.listener.addr as Deno.NetAddr).port;
  readonly held: { index: number; conn: Deno.Conn; target: string }[] = [];
  readonly targets: string[] = [];
  accepted = 0;
  closed = 0;
  #serving = this.#accept();

  async #accept(): Promise<void> {
    const tasks: Promise<void>[] = [];
    for await (const conn of this.listener) {
      tasks.push(this.#serve(conn, this.accepted++));
    }
    await Promise.all(tasks);
  }

  async #serve(conn: Deno.Conn, index: number): Promise<void> {
    const buffer = new Uint8Array(4096);
    let pending = "";
    let requests = 0;
    try {
      for (;;) {
        const n = await conn.read(buffer);
        if (n === null) break;
        pending += decoder.decode(buffer.subarray(0, n));
        let end: number;
        while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
          const target = pending.slice(4, pending.indexOf(" ", 4));
          pending = pending.slice(end + 4);
          this.targets.push(target);
          if (requests++ === 0 && index % 5 === 0) {
            await conn.write(fixed("200 OK", TIMEOUT_BODY));
          } else this.held.push({ index, conn, target });
        }
      }
    } catch {
      // Reset by the client: counted as closed like an orderly close.
    }
    this.closed++;
    conn.close();
  }

  async release(): Promise<void> {
    const held = this.held.splice(0);
    for (const { index, conn } of held) {
      const answer = index % 10 === 1
        ? fixed(
          "503 Service Unavailable",
          '{"error":"busy"}',
          "retry-after: 1\r\n",
        )
        : index % 10 === 2
        ? chunked(BODY)
        : fixed("200 OK", BODY);
      if (index % 10 === 3) {
        // Split in two reads: the client must keep the first part.
        await conn.write(answer.subarray(0, 40));
        await new Promise((resolve) => setTimeout(resolve, 30));
        await conn.write(answer.subarray(40));
      } else await conn.write(answer);
    }
  }

  async stop(): Promise<void> {
    this.listener.close();
    await this.#serving.catch(() => {});
  }
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let nextId = 1;

function fanout(worker: LoadWorker, port: number, count: number, extra = {}) {
  const id = nextId++;
  const sent = worker.send({
    op: "fanout",
    id,
    port,
    count,
    lastVersion: 3,
    epoch: "e 1",
    connectConcurrency: 4,
    connectTimeoutMs: 2_000,
    openDeadline: wallNow() + 10_000,
    ...extra,
  });
  return { id, sent };
}

async function finish(
  worker: LoadWorker,
  id: number,
  waitMs = 5_000,
): Promise<FanoutAnswers> {
  await worker.send({ op: "fanout_finish", id, deadline: wallNow() + waitMs });
  const done = await worker.next(eventOf("fanout_done", id), 10_000);
  return done.answers;
}

/** The same specification, run against each client program. */
function specify(
  program: () => Promise<WorkerProgram>,
): Deno.TestStepDefinition[] {
  const withWorker = async (
    run: (worker: LoadWorker) => Promise<void>,
  ): Promise<void> => {
    const worker = new LoadWorker(ROOT, await program());
    try {
      await worker.next((e): e is { ev: "ready" } => e.ev === "ready", 30_000);
      await run(worker);
    } finally {
      await worker.stop();
    }
  };
  return [{
    name:
      "every held poll gets its answer, and answered connections stay open until the end",
    fn: () =>
      withWorker(async (worker) => {
        const server = new ScriptedServer();
        try {
          const { id, sent } = fanout(worker, server.port, 20);
          await sent;
          const opened = await worker.next(eventOf("opened", id), 10_000);
          assert.equal(opened.connected, 20);
          assert.deepEqual(opened.errors, {});
          await until("20 polls held", () => server.held.length === 20);
          assert.ok(
            server.targets.every((t) =>
              t === "/poll-status?last_version=3&epoch=e%201"
            ),
            server.targets.join(" "),
          );
          const releasedAt = wallNow();
          await server.release();
          await new Promise((resolve) => setTimeout(resolve, 300));
          assert.equal(server.closed, 0, "no connection closed before finish");
          const answers = await finish(worker, id);
          const doneAt = wallNow();
          assert.equal(answers.status.length, 20);
          assert.equal(answers.status.filter((s) => s === 503).length, 2);
          assert.equal(answers.retryAfter, 2);
          assert.equal(answers.repolls, 4);
          answers.status.forEach((status, i) => {
            if (status === 200) assert.equal(answers.version[i], 7);
            assert.ok(
              answers.at[i] >= releasedAt - 1 && answers.at[i] <= doneAt,
            );
          });
          assert.equal(answers.unanswered, 0);
          assert.deepEqual(answers.errors, {});
          await until("every connection closed", () => server.closed === 20);
        } finally {
          await server.stop();
        }
      }),
  }, {
    name: "with connectFirst, the polls go only when told",
    fn: () =>
      withWorker(async (worker) => {
        const server = new ScriptedServer();
        try {
          const { id, sent } = fanout(worker, server.port, 6, {
            connectFirst: true,
          });
          await sent;
          const opened = await worker.next(eventOf("opened", id), 10_000);
          assert.equal(opened.connected, 6);
          await until("6 accepted", () => server.accepted === 6);
          assert.equal(server.targets.length, 0, "no poll before send");
          await worker.send({ op: "fanout_send", id });
          assert.equal(
            (await worker.next(eventOf("sent", id), 10_000)).sent,
            6,
          );
          await until("6 polls held", () => server.held.length === 6);
          const answers = await finish(worker, id, 200);
          assert.equal(answers.unanswered, 6, "held polls are unanswered");
          assert.equal(answers.repolls, 2);
        } finally {
          await server.stop();
        }
      }),
  }, {
    name: "refused connections are counted by their error's name",
    fn: () =>
      withWorker(async (worker) => {
        const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const port = (closed.addr as Deno.NetAddr).port;
        closed.close();
        const { id, sent } = fanout(worker, port, 3);
        await sent;
        const opened = await worker.next(eventOf("opened", id), 10_000);
        assert.equal(opened.connected, 0);
        assert.deepEqual(opened.errors, { ECONNREFUSED: 3 });
        const answers = await finish(worker, id);
        assert.equal(answers.status.length, 0);
      }),
  }];
}

Deno.test("the Deno fan-out load client", async (t) => {
  for (const step of specify(() => Promise.resolve(DENO_WORKER))) {
    await t.step(step);
  }
});

Deno.test("the C fan-out load client", needs(C_COMPILER), async (t) => {
  const build = await buildNativeClient();
  assert.ok(build.program, build.program ? "" : build.reason);
  const program = build.program!;
  try {
    for (const step of specify(() => Promise.resolve(program))) {
      await t.step(step);
    }
    await t.step(
      "quiet, it reads after the fan-out and keeps each answer's arrival time",
      async () => {
        assert.equal(program.quiets, true);
        const worker = new LoadWorker(ROOT, program);
        const server = new ScriptedServer();
        try {
          await worker.next(
            (e): e is { ev: "ready" } => e.ev === "ready",
            30_000,
          );
          const { id, sent } = fanout(worker, server.port, 8);
          await sent;
          await worker.next(eventOf("opened", id), 10_000);
          await until("8 polls held", () => server.held.length === 8);
          await worker.send({ op: "fanout_quiet", id });
          await worker.next(eventOf("quiet", id), 10_000);
          const releasedAt = wallNow();
          await server.release();
          const writtenAt = wallNow();
          await new Promise((resolve) => setTimeout(resolve, 400));
          const finishedAt = wallNow();
          const answers = await finish(worker, id);
          assert.equal(answers.status.length, 8);
          assert.equal(answers.unstamped, 0, "every answer has a kernel stamp");
          for (const at of answers.at) {
            assert.ok(
              at >= releasedAt - 1 && at <= writtenAt + 50,
              `stamped on arrival (${at - releasedAt} ms after the release), ` +
                `not when read (${finishedAt - releasedAt} ms after)`,
            );
          }
        } finally {
          await worker.stop();
          await server.stop();
        }
      },
    );
  } finally {
    if (build.program) await Deno.remove(build.dir, { recursive: true });
  }
});
