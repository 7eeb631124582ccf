/**
 * A load worker process: holds thousands of raw TCP clients for the
 * coordinator (`main.ts`), so that no process opens more sockets than its
 * descriptor limit and the client side spreads over the cores. Reads
 * commands from stdin, writes events to stdout (see `worker_protocol.ts`);
 * exits when told to or when stdin closes.
 */
import { wallNow } from "./clock.ts";
import { getRequest, header, jsonBody, pollTarget } from "./http_wire.ts";
import { WireConnection } from "./wire_connection.ts";
import {
  type ChurnClient,
  type ChurnCommand,
  errorReason,
  type FanoutAnswers,
  type FanoutCommand,
  type ReadsCommand,
  type WorkerCommand,
  type WorkerEvent,
} from "./worker_protocol.ts";

const encoder = new TextEncoder();
const open = new Set<WireConnection>();
let output = Promise.resolve();

function emit(event: WorkerEvent): Promise<void> {
  const bytes = encoder.encode(JSON.stringify(event) + "\n");
  output = output.then(async () => {
    let written = 0;
    while (written < bytes.length) {
      written += await Deno.stdout.write(bytes.subarray(written));
    }
  });
  return output;
}

async function connect(
  port: number,
  timeoutMs: number,
  hostname?: string,
): Promise<WireConnection> {
  // A signal passed to Deno.connect also closes the socket later, so the
  // timeout must be disarmed once connected rather than left to fire.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const conn = await WireConnection.open(port, controller.signal, hostname);
    open.add(conn);
    return conn;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects, trying again once after a timeout: a full listen queue drops
 * the SYN, and the kernel's own retry comes only seconds later.
 */
async function connectPatiently(
  command: FanoutCommand,
  hostname?: string,
): Promise<WireConnection> {
  try {
    return await connect(command.port, command.connectTimeoutMs, hostname);
  } catch (error) {
    if (errorReason(error) !== "connect timeout") throw error;
    return await connect(command.port, command.connectTimeoutMs, hostname);
  }
}

function close(conn: WireConnection): void {
  conn.close();
  open.delete(conn);
}

function count(errors: Record<string, number>, error: unknown): void {
  const reason = errorReason(error);
  errors[reason] = (errors[reason] ?? 0) + 1;
}

function versionOf(body: unknown): number {
  const version = (body as { version?: unknown } | undefined)?.version;
  return typeof version === "number" ? version : -1;
}

/** One fan-out: many held polls, each answered once. */
class Fanout {
  readonly answers: FanoutAnswers = {
    status: [],
    version: [],
    at: [],
    retryAfter: 0,
    repolls: 0,
    errors: {},
    unanswered: 0,
  };
  #waiting = new Set<WireConnection>();
  #answered: WireConnection[] = [];
  /** Connections of a `connectFirst` fan-out, open and waiting for their poll. */
  #unsent: WireConnection[] = [];
  #ended = 0;
  #finished = false;
  #onAllEnded = () => {};
  readonly #request: Uint8Array;

  constructor(readonly command: FanoutCommand) {
    this.#request = getRequest(
      `127.0.0.1:${command.port}`,
      pollTarget(command.lastVersion, command.epoch),
    );
  }

  /**
   * Opens every connection and writes its poll (only opens it, with
   * `connectFirst`); resolves with how many opened once all attempts ended.
   */
  async open(): Promise<number> {
    const { command } = this;
    const hosts = command.hosts?.length ? command.hosts : ["127.0.0.1"];
    let next = 0;
    let connected = 0;
    const opener = async () => {
      while (next < command.count) {
        const host = hosts[next % hosts.length];
        next++;
        if (wallNow() > command.openDeadline) {
          this.#end(null, new Error("not opened before the deadline"));
          continue;
        }
        let conn: WireConnection | null = null;
        try {
          conn = await connectPatiently(command, host);
          this.#waiting.add(conn);
          if (command.connectFirst) this.#unsent.push(conn);
          else await this.#poll(conn);
          connected++;
        } catch (error) {
          this.#end(conn, error);
        }
      }
    };
    const openers = Math.min(command.connectConcurrency, command.count);
    await Promise.all(Array.from({ length: openers }, opener));
    return connected;
  }

  /** Writes the poll on every connection `open` left waiting; resolves with how many went. */
  async send(): Promise<number> {
    const unsent = this.#unsent;
    this.#unsent = [];
    let sent = 0;
    await Promise.all(unsent.map(async (conn) => {
      try {
        await this.#poll(conn);
        sent++;
      } catch (error) {
        this.#end(conn, error);
      }
    }));
    return sent;
  }

  async #poll(conn: WireConnection): Promise<void> {
    await conn.write(this.#request);
    this.#await(conn, this.#request);
  }

  #await(conn: WireConnection, request: Uint8Array): void {
    conn.read().then((response) => {
      if (this.#finished) return;
      const body = jsonBody(response);
      if (
        response.status === 200 &&
        (body as { timeout?: unknown } | undefined)?.timeout === true
      ) {
        // The hold ran out before the update (opening thousands of polls on
        // a busy machine can take longer than a hold): poll again, as any
        // long-polling client would.
        this.answers.repolls++;
        conn.write(request).then(
          () => this.#await(conn, request),
          (error) => this.#end(conn, error),
        );
        return;
      }
      this.answers.status.push(response.status);
      this.answers.version.push(versionOf(body));
      this.answers.at.push(response.at);
      if (
        response.status === 503 &&
        header(response.head, "retry-after") !== undefined
      ) {
        this.answers.retryAfter++;
      }
      // Kept open until the fan-out finishes, as a keep-alive client keeps
      // its connection for the next poll: closing now would charge both
      // sides the teardown while other answers are still on their way.
      this.#waiting.delete(conn);
      this.#answered.push(conn);
      this.#end(null, null);
    }, (error) => {
      if (!this.#finished) this.#end(conn, error);
    });
  }

  /** Every attempt ends here once: answered, failed to connect, or broken. */
  #end(conn: WireConnection | null, error: unknown): void {
    if (conn) {
      this.#waiting.delete(conn);
      close(conn);
    }
    if (error !== null) count(this.answers.errors, error);
    if (++this.#ended >= this.command.count) this.#onAllEnded();
  }

  /** Waits for every answer or the deadline, then closes what is left. */
  async finish(deadline: number): Promise<FanoutAnswers> {
    if (this.#ended < this.command.count) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#onAllEnded = resolve;
        timer = setTimeout(resolve, Math.max(0, deadline - wallNow()));
      });
      clearTimeout(timer);
    }
    this.#finished = true;
    this.answers.unanswered = this.#waiting.size;
    for (const conn of [...this.#waiting, ...this.#answered]) close(conn);
    this.#waiting.clear();
    this.#answered = [];
    return this.answers;
  }
}

async function churnClient(
  command: ChurnCommand,
  ready: () => void,
): Promise<ChurnClient> {
  const client: ChurnClient = {
    versions: [],
    at: [],
    timeouts: 0,
    missing: null,
    error: null,
  };
  const host = `127.0.0.1:${command.port}`;
  const span = command.finalVersion - command.startVersion;
  const seen = new Uint8Array(span + 1);
  let sawChanges = false;
  let conn: WireConnection | null = null;
  let last = command.startVersion;
  try {
    conn = await connect(command.port, 10_000);
    await conn.write(getRequest(host, pollTarget(last, command.epoch)));
    ready();
    while (last < command.finalVersion) {
      const response = await conn.read();
      const body = jsonBody(response) as Record<string, unknown> | undefined;
      const version = versionOf(body);
      if (response.status !== 200 || version < 0) {
        throw new Error(`answer ${response.status}`);
      }
      client.versions.push(version);
      client.at.push(response.at);
      if (body?.timeout === true) client.timeouts++;
      if (version > command.startVersion && version <= command.finalVersion) {
        seen[version - command.startVersion] = 1;
      }
      if (Array.isArray(body?.changes)) {
        sawChanges = true;
        for (const change of body.changes) {
          const v = versionOf(change) - command.startVersion;
          if (v > 0 && v <= span) seen[v] = 1;
        }
      }
      last = version;
      if (last < command.finalVersion) {
        await conn.write(getRequest(host, pollTarget(last, command.epoch)));
      }
    }
  } catch (error) {
    client.error = errorReason(error);
    ready();
  } finally {
    if (conn) close(conn);
  }
  if (sawChanges) {
    const upTo = Math.min(last, command.finalVersion) - command.startVersion;
    client.missing = 0;
    for (let v = 1; v <= upTo; v++) if (!seen[v]) client.missing++;
  }
  return client;
}

async function churn(command: ChurnCommand): Promise<void> {
  let pending = command.count;
  let announce = () => {};
  const allReady = new Promise<void>((resolve) => announce = resolve);
  const ready = () => {
    if (--pending === 0) announce();
  };
  const clients = Array.from(
    { length: command.count },
    () => churnClient(command, ready),
  );
  if (command.count === 0) announce();
  await allReady;
  await emit({ ev: "churn_ready", id: command.id, connected: 0, errors: {} });
  // Past the deadline, closing every socket ends every client's loop.
  const timer = setTimeout(() => {
    for (const conn of open) close(conn);
  }, Math.max(0, command.deadline - wallNow()));
  const results = await Promise.all(clients);
  clearTimeout(timer);
  await emit({ ev: "churn_done", id: command.id, clients: results });
}

async function reads(command: ReadsCommand): Promise<void> {
  const request = getRequest(`127.0.0.1:${command.port}`, command.target);
  const errors: Record<string, number> = {};
  let completed = 0;
  let failed = 0;
  const loop = async () => {
    let conn: WireConnection | null = null;
    try {
      conn = await connect(command.port, 10_000);
      const wait = command.startAt - wallNow();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (wallNow() < command.endAt) {
        const response = await conn.exchange(request);
        if (response.at > command.endAt) break;
        if (response.status === 200) completed++;
        else failed++;
      }
    } catch (error) {
      count(errors, error);
    } finally {
      if (conn) close(conn);
    }
  };
  await Promise.all(Array.from({ length: command.count }, loop));
  await emit({
    ev: "reads_done",
    id: command.id,
    completed,
    failed,
    errors,
  });
}

const fanouts = new Map<number, Fanout>();

async function handle(command: WorkerCommand): Promise<void> {
  switch (command.op) {
    case "fanout": {
      const fanout = new Fanout(command);
      fanouts.set(command.id, fanout);
      const connected = await fanout.open();
      await emit({
        ev: "opened",
        id: command.id,
        connected,
        errors: { ...fanout.answers.errors },
      });
      return;
    }
    case "fanout_send": {
      const fanout = fanouts.get(command.id);
      if (!fanout) throw new Error(`no fan-out ${command.id}`);
      await emit({ ev: "sent", id: command.id, sent: await fanout.send() });
      return;
    }
    case "fanout_finish": {
      const fanout = fanouts.get(command.id);
      if (!fanout) throw new Error(`no fan-out ${command.id}`);
      fanouts.delete(command.id);
      const answers = await fanout.finish(command.deadline);
      await emit({ ev: "fanout_done", id: command.id, answers });
      return;
    }
    case "churn":
      return await churn(command);
    case "reads":
      return await reads(command);
    case "exit":
      shutdown();
  }
}

function shutdown(): never {
  for (const conn of open) conn.close();
  Deno.exit(0);
}

async function main(): Promise<void> {
  await emit({ ev: "ready" });
  let pending = "";
  for await (
    const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())
  ) {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.trim() === "") continue;
      const command = JSON.parse(line) as WorkerCommand;
      handle(command).catch((error) =>
        emit({
          ev: "error",
          id: "id" in command ? command.id : -1,
          message: String(error?.stack ?? error),
        })
      );
    }
  }
  await output;
  shutdown();
}

if (import.meta.main) await main();
