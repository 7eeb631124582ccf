/**
 * An HTTP/1.1 server over `Deno.listen` that owns its sockets, so that it
 * can do what `Deno.serve` cannot: close a connection that sends its head
 * or body too slowly or sits idle too long, close the oldest idle or slow
 * connections when the process runs short of descriptors, close after a
 * response that says `Connection: close`, and answer oversized heads with
 * 431 or 414 as JSON.
 */
import {
  findHeadEnd,
  type HeadLimits,
  type HeadRefusal,
  oversizedHead,
  parseHead,
  type RequestHead,
} from "./http1_head.ts";
import {
  asksToClose,
  type Framing,
  responseHead,
  serverAnswer,
  statusHasNoBody,
} from "./http1_response.ts";
import { type FixedAnswer, fixedAnswer } from "./fixed_response.ts";
import { ConnectionRequest } from "./http1_request.ts";
import { RepeatAnswers } from "./repeat_answers.ts";
import { type ByteSource, requestBody } from "./http1_body.ts";
import type { ConnectionBudget } from "./connection_budget.ts";
import {
  ConnectionTable,
  type Phase,
  type PhaseCounts,
  type Tracked,
} from "./connection_table.ts";

/** How long a connection may take, in milliseconds. */
export interface ServerTimeouts {
  /** To send a complete request head, from its first byte (or from connecting). */
  headerMs: number;
  /** To send a request body, from the end of its head; also to take a response. */
  bodyMs: number;
  /** Between two requests on a keep-alive connection. */
  idleMs: number;
}

/** In the spirit of nginx's defaults (60 s each), a little shorter. */
export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  headerMs: 20_000,
  bodyMs: 30_000,
  idleMs: 60_000,
};

/** As Node's 16 KiB for a head, and nginx's 8 KiB for a request line. */
export const DEFAULT_HEAD_LIMITS: HeadLimits = {
  maxHeadBytes: 16_384,
  maxUriBytes: 8_192,
};

/** Seconds a client turned away for lack of connections should wait. */
export const RETRY_AFTER_SECONDS = 5;

/** Called for each request, as `Deno.serve`'s handler is. */
export type Http1Handler = (
  request: Request,
  info: { remoteAddr: Deno.NetAddr; localAddr: Deno.NetAddr },
) => Response | Promise<Response>;

/** Where and how to serve. */
export interface Http1ServerOptions {
  port: number;
  hostname: string;
  reusePort?: boolean;
  timeouts?: ServerTimeouts;
  limits?: HeadLimits;
  /** The connections the process may hold (shared by its workers). */
  budget: ConnectionBudget;
  onListen?: (addr: Deno.NetAddr) => void;
  /** One line for the log, e.g. when descriptors run out. */
  onLog?: (line: string) => void;
}

/** What a server holds and has closed, for tests and the log. */
export interface ServerStats extends PhaseCounts {
  /** Connections open in every server sharing the budget. */
  open: number;
  /** Connections closed because their phase ran out of time. */
  timedOut: Record<Exclude<Phase, "active">, number>;
  /** Connections closed to make room for new ones. */
  shed: number;
  /** New connections answered 503 for lack of room. */
  refused: number;
}

/** A running server. */
export interface Http1Server {
  readonly addr: Deno.NetAddr;
  /** Settles once the server has shut down. */
  readonly finished: Promise<void>;
  /** Stops accepting, closes idle connections, waits for the requests being handled, then closes the rest. */
  shutdown(): Promise<void>;
  stats(): ServerStats;
}

/** Pause before accepting again after the `failures`-th descriptor exhaustion in a row. */
export function acceptDelay(failures: number): number {
  return Math.min(100 * 2 ** Math.max(failures - 1, 0), 3200);
}

/** True for the error of a process out of descriptors. */
export const isTooManyOpenFiles = (error: unknown): boolean =>
  /too many open files|os error 24/i.test(String(error));

const INITIAL_BUFFER = 2048;
/** Longest request head a connection remembers to skip parsing it again. */
const REMEMBERED_HEAD_BYTES = 1024;

/** True when `bytes` are the first `length` bytes of `view`. */
function sameBytes(
  bytes: Uint8Array,
  view: Uint8Array,
  length: number,
): boolean {
  if (bytes.length !== length) return false;
  for (let i = 0; i < length; i++) if (bytes[i] !== view[i]) return false;
  return true;
}
/** How long a closed connection waits for the client to close its side. */
const LINGER_MS = 2_000;
/** What a closing connection reads and drops at most before it gives up. */
const LINGER_BYTES = 256 * 1024;
/** Longest pause before accepting again when descriptors ran out. */
const MAX_ACCEPT_PAUSE_MS = 500;
/**
 * How long a connection is left alone before it may be shed (at most three
 * quarters of the header timeout; more while the server runs late). A
 * client whose connection waited in a full listen queue may send its
 * request seconds after it is accepted: its first packets were dropped,
 * and TCP sends them again after 0.2, 0.6, 1.4 … 12.6 s.
 */
const SHED_GRACE_MS = 15_000;
/** Shed connections at most per descriptor exhaustion. */
const SHED_BURST = 16;

const encoder = new TextEncoder();
const CONTINUE = encoder.encode("HTTP/1.1 100 Continue\r\n\r\n");

let dateSecond = 0;
let dateText = "";
/** The Date header, formatted once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

// Small answers are cut from shared slabs, never reused: one allocation per
// tens of answers instead of one each, which kept the garbage collector busy
// through a fan-out of thousands. Slabs stay small because a write a client
// does not read keeps its whole slab alive until the send deadline.
const SLAB_BYTES = 16 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/** Fresh bytes that nothing else will ever write to. */
function freshBytes(size: number): Uint8Array {
  if (size > SLAB_BYTES / 8) return new Uint8Array(size);
  if (slabUsed + size > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const bytes = slab.subarray(slabUsed, slabUsed + size);
  slabUsed += size;
  return bytes;
}

/** Bytes for a head and a body in one write; latin-1 for non-ASCII header bytes. */
function packet(head: string, body: Uint8Array | null): Uint8Array {
  const size = head.length + (body?.length ?? 0);
  const out = freshBytes(size);
  const { written } = encoder.encodeInto(head, out);
  if (written !== head.length) {
    // Header values are byte strings: one character, one byte.
    for (let i = 0; i < head.length; i++) out[i] = head.charCodeAt(i);
  }
  if (body) out.set(body, head.length);
  return out;
}

type ConnectionHeader = "close" | "keep-alive" | "default";

/** What the server keeps in a fixed answer: its packets of this second. */
interface FixedWire {
  date: string;
  packets: Partial<Record<ConnectionHeader, Uint8Array>>;
  /** Its headers ask to close the connection after it. */
  closes: boolean;
}

/** The fixed answer's wire of this second, made when the second changes. */
function fixedWire(
  answer: FixedAnswer,
  headers: Headers,
  date: string,
): FixedWire {
  let wire = answer.wire as FixedWire | undefined;
  if (wire === undefined || wire.date !== date) {
    wire = { date, packets: {}, closes: asksToClose(headers) };
    answer.wire = wire;
  }
  return wire;
}

/**
 * The whole packet of a fixed answer, made once a second for each way of
 * ending it and then written as it is to every client it answers.
 */
function fixedPacket(
  answer: FixedAnswer,
  status: number,
  headers: Headers,
  date: string,
  connection: ConnectionHeader,
): Uint8Array {
  const wire = fixedWire(answer, headers, date);
  const framing: Framing = { kind: "length", length: answer.bytes.length };
  return wire.packets[connection] ??= packet(
    responseHead(status, headers, framing, date, connection),
    answer.bytes,
  );
}

/** Starts serving on a new listener; throws if it cannot listen (the port is taken). */
export function serveHttp1(
  options: Http1ServerOptions,
  handler: Http1Handler,
): Http1Server {
  const listener = Deno.listen({
    port: options.port,
    hostname: options.hostname,
    transport: "tcp",
    ...(options.reusePort ? { reusePort: true } : {}),
    tcpBacklog: 4096,
  });
  const server = new Server(listener, options, handler);
  options.onListen?.(listener.addr);
  server.run();
  return server;
}

class Server implements Http1Server {
  readonly addr: Deno.NetAddr;
  readonly table = new ConnectionTable<Connection>();
  readonly repeats = new RepeatAnswers();
  readonly timeouts: ServerTimeouts;
  readonly limits: HeadLimits;
  readonly budget: ConnectionBudget;
  readonly #done = Promise.withResolvers<void>();
  readonly finished = this.#done.promise;
  readonly timedOut = { closing: 0, idle: 0, head: 0, body: 0, send: 0 };
  shed = 0;
  refused = 0;
  stopping = false;
  readonly #connections = new Set<Connection>();
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #tick = 250;
  #lastSweep = 0;
  /** How late the event loop runs: a decaying maximum of the sweep's delay. */
  #lagMs = 0;
  #pause: ReturnType<typeof setTimeout> | undefined;
  #resume: (() => void) | undefined;
  #accepting: Promise<void> = Promise.resolve();

  constructor(
    readonly listener: Deno.TcpListener,
    readonly options: Http1ServerOptions,
    readonly handler: Http1Handler,
  ) {
    this.addr = listener.addr;
    this.timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    this.limits = options.limits ?? DEFAULT_HEAD_LIMITS;
    this.budget = options.budget;
  }

  /** A connection idle or slow for this long may be shed. */
  graceMs(now = performance.now()): number {
    const base = Math.min(this.timeouts.headerMs * 0.75, SHED_GRACE_MS);
    return base + 3 * this.lagMs(now);
  }

  /**
   * How late the event loop runs: the sweep's recent delays, or how overdue
   * it is right now. While it runs late, a connection waits for the server,
   * not for its client: its bytes may be sitting unread in the kernel.
   */
  lagMs(now = performance.now()): number {
    return Math.max(this.#lagMs, now - this.#lastSweep - this.#tick);
  }

  run(): void {
    const { headerMs, bodyMs, idleMs } = this.timeouts;
    // Deadlines are checked on a tick, not one timer per connection: a
    // connection closes at most a quarter of its timeout late (and 250 ms).
    this.#tick = Math.max(
      10,
      Math.min(250, headerMs / 4, bodyMs / 4, idleMs / 4),
    );
    this.#lastSweep = performance.now();
    this.#sweeper = setInterval(() => this.sweep(), this.#tick);
    this.#accepting = this.#acceptLoop();
  }

  stats(): ServerStats {
    return {
      ...this.table.counts(),
      open: this.budget.open,
      timedOut: { ...this.timedOut },
      shed: this.shed,
      refused: this.refused,
    };
  }

  /** Closes what is past due, and what other workers asked to shed. */
  sweep(now = performance.now()): void {
    const late = Math.max(0, now - this.#lastSweep - this.#tick);
    this.#lastSweep = now;
    this.#lagMs = Math.max(late, this.#lagMs * 0.8);
    // A deadline is the client's: it is moved by what the server ran late.
    for (const conn of this.table.expired(now - 3 * this.#lagMs)) {
      this.timedOut[conn.phase as keyof Server["timedOut"]]++;
      conn.close();
    }
    // A request to shed stands only while the count is still past the cap.
    while (this.budget.takeShedRequest()) {
      const { open, caps } = this.budget;
      if (open <= caps.soft) this.budget.dropShedRequests();
      else if (!this.shedOne(now, open <= caps.hard)) break;
    }
  }

  /**
   * Closes the connection that is cheapest to lose; false if none may be.
   * `cheapOnly` while there is still room: then only one that is answered
   * or between requests, never one whose request may still be coming.
   */
  shedOne(now = performance.now(), cheapOnly = false): boolean {
    const victim = this.table.sheddable(now, this.graceMs(now), cheapOnly);
    if (victim === undefined) return false;
    this.shed++;
    victim.close();
    return true;
  }

  async #acceptLoop(): Promise<void> {
    let failures = 0;
    let lastFailure = 0;
    while (!this.stopping) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.listener.accept();
      } catch (error) {
        if (this.stopping) break;
        if (!isTooManyOpenFiles(error)) {
          // ECONNABORTED and the like concern one client only.
          this.options.onLog?.(`error: accept failed: ${String(error)}`);
          await this.#wait(100);
          continue;
        }
        let freed = 0;
        while (freed < SHED_BURST && this.shedOne()) freed++;
        if (freed > 0) continue;
        const now = Date.now();
        failures = now - lastFailure < 5_000 ? failures + 1 : 1;
        lastFailure = now;
        // Short: a poll answered or a deadline may free one at any moment.
        const delay = Math.min(acceptDelay(failures), MAX_ACCEPT_PAUSE_MS);
        // One line, no stack trace: formatting one at the descriptor
        // limit can make Deno 2.9.6 panic when it reads a source map.
        this.options.onLog?.(
          `error: too many open files: not accepting on port ${this.addr.port}; accepting again in ${delay} ms`,
        );
        await this.#wait(delay);
        continue;
      }
      this.#admit(conn);
    }
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#resume = resolve;
      this.#pause = setTimeout(resolve, ms);
    });
  }

  #admit(socket: Deno.TcpConn): void {
    const now = performance.now();
    const admission = this.budget.opened();
    const conn = new Connection(socket, this);
    this.#connections.add(conn);
    this.table.enter(conn, "head", now, now + this.timeouts.headerMs);
    if (admission !== "ok" && !this.shedOne(now, admission === "shed")) {
      this.budget.askShed();
      if (admission === "refuse") conn.overflow = true;
    }
    conn.run();
  }

  forget(conn: Connection): void {
    if (this.#connections.delete(conn)) {
      this.table.remove(conn);
      this.budget.closed();
    }
    if (this.stopping && this.#connections.size === 0) this.#done.resolve();
  }

  async shutdown(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      clearTimeout(this.#pause);
      this.#resume?.();
      try {
        this.listener.close();
      } catch {
        // Already closed.
      }
      await this.#accepting;
      clearInterval(this.#sweeper);
      // Requests being handled finish (with Connection: close); the rest go now.
      for (const conn of this.table.waiting()) conn.close();
      if (this.#connections.size === 0) this.#done.resolve();
    }
    await this.finished;
  }
}

/** One client connection: reads requests, calls the handler, writes responses. */
class Connection implements Tracked, ByteSource {
  phase: Phase | undefined = undefined;
  since = 0;
  deadline = Infinity;
  /** Accepted past the hard cap: answer 503 and close. */
  overflow = false;
  closed = false;
  #buf = new Uint8Array(INITIAL_BUFFER);
  #start = 0;
  #end = 0;
  #filling: Promise<boolean> | null = null;
  /** The client closed (or the socket failed). */
  #eof = false;
  /**
   * The last request head read, with its bytes: a client on a kept
   * connection mostly sends the same head again (the same read, the same
   * poll), and the same bytes parse to the same head, which nothing changes.
   */
  #lastHead: { bytes: Uint8Array; head: RequestHead } | undefined;

  constructor(readonly socket: Deno.TcpConn, readonly server: Server) {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
    this.server.forget(this);
  }

  #enter(phase: Phase, timeoutMs?: number, deadline?: number): void {
    if (this.closed) return;
    const now = performance.now();
    this.server.table.enter(
      this,
      phase,
      now,
      deadline ?? (timeoutMs === undefined ? Infinity : now + timeoutMs),
    );
  }

  // ByteSource, for the request body.
  buffered(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#end);
  }

  consume(n: number): void {
    this.#start += n;
    // Rewind an empty buffer, unless a read is filling it at its end.
    if (this.#start === this.#end && this.#filling === null) {
      this.#start = this.#end = 0;
    }
  }

  fill(): Promise<boolean> {
    return this.#filling ??= this.#read();
  }

  async #read(): Promise<boolean> {
    if (this.#eof || this.closed) {
      this.#filling = null;
      return false;
    }
    if (this.#end === this.#buf.length) {
      if (this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      } else {
        const bigger = new Uint8Array(this.#buf.length * 2);
        bigger.set(this.#buf);
        this.#buf = bigger;
      }
    }
    let n: number | null = null;
    try {
      n = await this.socket.read(this.#buf.subarray(this.#end));
    } catch {
      // Reset by the peer, or closed by a deadline.
    }
    this.#filling = null;
    if (n === null) {
      this.#eof = true;
      return false;
    }
    this.#end += n;
    return true;
  }

  async run(): Promise<void> {
    const { headerMs } = this.server.timeouts;
    try {
      this.socket.setNoDelay(true);
      let scanned = 0;
      while (!this.closed) {
        const taken = this.#takeHead(scanned);
        if (typeof taken === "number") {
          // No whole head yet. Awaited here, not in a helper: a kept
          // connection waits here between requests, and a call per request
          // would leave a frame to collect per answer.
          scanned = taken;
          const idle = this.#start === this.#end;
          if (!(await this.fill())) break;
          // The first bytes of the next request: the head timeout starts.
          if (idle && this.phase === "idle") this.#enter("head", headerMs);
          continue;
        }
        scanned = 0;
        if ("error" in taken) {
          await this.#refuse(taken.status, taken.error);
          break;
        }
        if (this.overflow) {
          this.server.refused++;
          await this.#refuse(
            503,
            "the server has no room for more connections; retry later",
            RETRY_AFTER_SECONDS,
            !taken.chunked && !taken.contentLength,
          );
          break;
        }
        if (!(await this.#exchange(taken))) break;
      }
    } catch {
      // A socket that failed mid-write: nothing to tell anyone.
    } finally {
      this.close();
    }
  }

  /**
   * The request head at the start of the buffered bytes, taken from them;
   * a refusal when it is malformed or too large; or, while it is not
   * whole, how many bytes were scanned for its end (`scanned`, given
   * back, is where the next scan starts).
   */
  #takeHead(scanned: number): RequestHead | HeadRefusal | number {
    if (this.#start === this.#end) return 0;
    const { limits } = this.server;
    const view = this.buffered();
    const end = findHeadEnd(view, scanned, view.length);
    if (end >= 0) {
      const last = this.#lastHead;
      if (last !== undefined && sameBytes(last.bytes, view, end)) {
        this.consume(end);
        return last.head;
      }
      const parsed = parseHead(view, end, limits);
      if (parsed.ok && end <= REMEMBERED_HEAD_BYTES) {
        this.#lastHead = { bytes: view.slice(0, end), head: parsed.head };
      }
      this.consume(end);
      return parsed.ok ? parsed.head : parsed;
    }
    return oversizedHead(view, view.length, limits) ?? view.length;
  }

  /** Answers a request; true when the connection may carry another. */
  async #exchange(head: RequestHead): Promise<boolean> {
    const server = this.server;
    const host = head.host ?? `${server.addr.hostname}:${server.addr.port}`;
    if (/[\s/?#@\\]/.test(host) || host === "") {
      await this.#refuse(400, `bad Host header ${JSON.stringify(host)}`);
      return false;
    }
    const url = head.target[0] === "/"
      ? `http://${host}${head.target}`
      : head.target;
    const plainGet = head.method === "GET" && head.plain && !head.chunked &&
      !head.contentLength;
    if (plainGet) {
      // An answer marked repeatable, still current: given again as it is.
      const again = server.repeats.take(url);
      if (again !== undefined) return await this.#answer(head, again, true);
    }
    const headEnd = performance.now();
    let request: ConnectionRequest | undefined;
    let answered = false;
    let bodyDone = true;
    let body: ReadableStream<Uint8Array> | null = null;
    if (head.chunked || (head.contentLength ?? 0) > 0) {
      bodyDone = false;
      const deadline = headEnd + server.timeouts.bodyMs;
      body = requestBody(
        this,
        head.chunked ? { chunked: true } : { length: head.contentLength! },
        {
          start: async () => {
            if (head.expectContinue) await this.#write(CONTINUE);
          },
          waiting: (on) => {
            if (on) this.#enter("body", undefined, deadline);
            else this.#enter("active");
          },
          done: () => {
            bodyDone = true;
            if (!answered && request) {
              this.#watchForClose(request, () => answered);
            }
          },
        },
      );
    }
    try {
      request = new ConnectionRequest(url, {
        method: head.method,
        headers: head.headers,
        body,
      });
    } catch (error) {
      await this.#refuse(400, `bad request: ${(error as Error).message}`);
      return false;
    }
    this.#enter("active");
    if (bodyDone) this.#watchForClose(request, () => answered);
    let response: Response;
    try {
      response = await server.handler(request, {
        remoteAddr: this.socket.remoteAddr as Deno.NetAddr,
        localAddr: server.addr,
      });
    } catch {
      response = new Response(
        JSON.stringify({ error: "internal server error" }),
        { status: 500, headers: { "content-type": "application/json" } },
      );
    }
    answered = true;
    // The client left while it waited: nobody reads the answer.
    if (this.closed || request.left) {
      // A fixed answer has no stream to release, and may answer others.
      if (fixedAnswer(response) === undefined) {
        await response.body?.cancel().catch(() => {});
      }
      return false;
    }
    if (plainGet) server.repeats.offer(url, response);
    return await this.#answer(head, response, bodyDone);
  }

  /**
   * Sends `response`; true when the connection may carry another request.
   * Not an async function: a fixed answer (one update to thousands of held
   * polls) is written with one promise and one callback, where nested
   * async calls left a suspended frame each to collect per answer.
   */
  #answer(
    head: RequestHead,
    response: Response,
    bodyDone: boolean,
  ): Promise<boolean> {
    const server = this.server;
    const date = httpDate();
    const fixed = fixedAnswer(response);
    // A fixed answer's headers are read once a second, not per answer.
    const closes = fixed === undefined
      ? asksToClose(response.headers)
      : fixedWire(fixed, response.headers, date).closes;
    // A body the handler left unread cannot be skipped cheaply: close.
    const keepAlive = head.keepAlive && bodyDone && !server.stopping &&
      !closes;
    return this.#respond(head, response, fixed, keepAlive, date).then(
      (sent) => {
        if (!sent || !keepAlive || this.#eof) {
          return sent ? this.#close(!bodyDone).then(() => false) : false;
        }
        this.#enter("idle", server.timeouts.idleMs);
        return true;
      },
    );
  }

  /** Aborts the request's signal if the client closes before its answer. */
  #watchForClose(request: ConnectionRequest, answered: () => boolean): void {
    this.fill().then((more) => {
      if (!more && !answered()) request.clientLeft();
    });
  }

  /** Writes the response; false if the connection failed or timed out. */
  #respond(
    head: RequestHead,
    response: Response,
    fixed: FixedAnswer | undefined,
    keepAlive: boolean,
    date: string,
  ): Promise<boolean> {
    const connection: ConnectionHeader = !keepAlive
      ? "close"
      : head.minor === 0
      ? "keep-alive"
      : "default";
    const status = response.status;
    if (head.method === "HEAD" || statusHasNoBody(status)) {
      return this.#respondWithoutBody(response, fixed, date, connection);
    }
    if (fixed !== undefined) {
      return this.#send(
        fixedPacket(fixed, status, response.headers, date, connection),
      );
    }
    return this.#respondStreaming(response, date, connection);
  }

  async #respondWithoutBody(
    response: Response,
    fixed: FixedAnswer | undefined,
    date: string,
    connection: ConnectionHeader,
  ): Promise<boolean> {
    // A fixed answer has no stream to release, and may answer others.
    if (fixed === undefined && response.body) {
      await response.body.cancel().catch(() => {});
    }
    const text = responseHead(
      response.status,
      response.headers,
      { kind: "none" },
      date,
      connection,
    );
    return await this.#send(packet(text, null));
  }

  async #respondStreaming(
    response: Response,
    date: string,
    connection: ConnectionHeader,
  ): Promise<boolean> {
    const status = response.status;
    const stream = response.body;
    if (stream === null) {
      const text = responseHead(
        status,
        response.headers,
        { kind: "length", length: 0 },
        date,
        connection,
      );
      return await this.#send(packet(text, null));
    }
    const reader = stream.getReader();
    try {
      const first = await reader.read();
      if (first.done) {
        const framing: Framing = { kind: "length", length: 0 };
        return await this.#send(
          packet(
            responseHead(status, response.headers, framing, date, connection),
            null,
          ),
        );
      }
      const second = await reader.read();
      if (second.done) {
        // One chunk: what a Response made from a string or bytes gives.
        const framing: Framing = { kind: "length", length: first.value.length };
        return await this.#send(
          packet(
            responseHead(status, response.headers, framing, date, connection),
            first.value,
          ),
        );
      }
      const text = responseHead(
        status,
        response.headers,
        { kind: "chunked" },
        date,
        connection,
      );
      if (!(await this.#send(packet(text, null)))) return false;
      let chunk: ReadableStreamReadResult<Uint8Array> = first;
      let next: ReadableStreamReadResult<Uint8Array> | null = second;
      while (!chunk.done) {
        if (chunk.value.length > 0) {
          const size = chunk.value.length.toString(16);
          if (!(await this.#send(packet(`${size}\r\n`, chunk.value)))) {
            return false;
          }
          if (!(await this.#send(encoder.encode("\r\n")))) return false;
        }
        chunk = next ?? await reader.read();
        next = null;
      }
      return await this.#send(encoder.encode("0\r\n\r\n"));
    } catch {
      // The body stream failed: the answer is cut short, so is the connection.
      await reader.cancel().catch(() => {});
      return false;
    }
  }

  /** Writes bytes under the send deadline; false if it could not. */
  #send(bytes: Uint8Array): Promise<boolean> {
    this.#enter("send", this.server.timeouts.bodyMs);
    return this.#write(bytes).then((ok) => {
      this.#enter("active");
      return ok;
    });
  }

  /** Writes all of `bytes`; false if the socket failed. Mostly one write. */
  #write(bytes: Uint8Array): Promise<boolean> {
    let written: Promise<number>;
    try {
      written = this.socket.write(bytes);
    } catch {
      return Promise.resolve(false);
    }
    return written.then(
      (n) => n >= bytes.length || this.#writeRest(bytes, n),
      () => false,
    );
  }

  async #writeRest(bytes: Uint8Array, offset: number): Promise<boolean> {
    try {
      while (offset < bytes.length) {
        offset += await this.socket.write(bytes.subarray(offset));
      }
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Sends the server's own JSON answer and closes; `whole` when the request
   * was read to its end (nothing more is coming).
   */
  async #refuse(
    status: number,
    message: string,
    retryAfter?: number,
    whole = false,
  ): Promise<void> {
    if (
      await this.#send(serverAnswer(status, message, httpDate(), retryAfter))
    ) {
      await this.#close(!whole);
    }
  }

  /**
   * After the last answer: closes at once when the client has sent all it
   * meant to; lingers when it may still be sending (a body left unread, or
   * more bytes already here).
   */
  async #close(mayStillSend: boolean): Promise<void> {
    if (mayStillSend || this.buffered().length > 0) await this.#linger();
  }

  /**
   * Closes our side and waits (briefly) for the client to close its own,
   * reading what it still sends: closing with unread bytes would reset the
   * connection and could destroy the answer before the client reads it.
   */
  async #linger(): Promise<void> {
    try {
      await this.socket.closeWrite();
    } catch {
      return;
    }
    this.#enter("closing", LINGER_MS);
    let dropped = 0;
    while (!this.closed && dropped < LINGER_BYTES) {
      this.#start = this.#end = 0;
      if (!(await this.fill())) return;
      dropped += this.#end;
    }
  }
}
