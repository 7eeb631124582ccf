/**
 * The coordinator's own requests to the server under test: read the state,
 * send an update, check that it still answers.
 */
import { getRequest, jsonBody, postJsonRequest } from "./http_wire.ts";
import { type TimedResponse, WireConnection } from "./wire_connection.ts";

/** The part of the state the benchmark steers by. */
export interface ServerState {
  status: string;
  version: number;
  epoch: string;
}

/** Narrows a JSON body to the state fields, or throws naming what is wrong. */
export function toState(body: unknown): ServerState {
  const b = body as Partial<Record<keyof ServerState, unknown>> | undefined;
  if (
    typeof b?.status !== "string" || typeof b.version !== "number" ||
    typeof b.epoch !== "string"
  ) {
    throw new Error(`not a state: ${JSON.stringify(body)?.slice(0, 200)}`);
  }
  return { status: b.status, version: b.version, epoch: b.epoch };
}

/** A status different from `current`, so that an update always changes something. */
export function otherStatus(current: string): string {
  return current === "En cours" ? "En attente" : "En cours";
}

/**
 * A keep-alive control connection to one server. A server may close an idle
 * keep-alive connection (after its idle timeout, or to make room at its
 * descriptor limit), as it may any: then the request goes again on a new
 * one, as an HTTP client does when nothing of the answer had come.
 */
export class Control {
  private constructor(readonly port: number, private conn: WireConnection) {}

  /** Opens the control connection. */
  static async open(port: number): Promise<Control> {
    return new Control(port, await WireConnection.open(port));
  }

  get #host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async #exchange(bytes: Uint8Array): Promise<TimedResponse> {
    try {
      return await this.conn.exchange(bytes);
    } catch (error) {
      if (!this.conn.idleClosed()) throw error;
      this.conn.close();
      this.conn = await WireConnection.open(this.port);
      return await this.conn.exchange(bytes);
    }
  }

  /** `GET /get-status`. */
  async state(): Promise<ServerState> {
    const response = await this.#exchange(
      getRequest(this.#host, "/get-status"),
    );
    if (response.status !== 200) {
      throw new Error(`get-status answered ${response.status}`);
    }
    return toState(jsonBody(response));
  }

  /** The bytes of an update to `status`, built ahead so sending is one write. */
  updateBytes(status: string): Uint8Array {
    return postJsonRequest(this.#host, "/update-status", { status });
  }

  /** Sends prepared update bytes and reads the answer's state. */
  async update(
    bytes: Uint8Array,
  ): Promise<{ response: TimedResponse; state: ServerState }> {
    const response = await this.#exchange(bytes);
    if (response.status !== 200) {
      throw new Error(`update-status answered ${response.status}`);
    }
    return { response, state: toState(jsonBody(response)) };
  }

  /** Closes the connection. */
  close(): void {
    this.conn.close();
  }
}

/** True when a new connection gets `200` from `GET /get-status` within `timeoutMs`. */
export async function answersNormally(
  port: number,
  timeoutMs = 3_000,
): Promise<boolean> {
  const controller = new AbortController();
  let conn: WireConnection | null = null;
  const timer = setTimeout(() => {
    controller.abort();
    conn?.close();
  }, timeoutMs);
  try {
    conn = await WireConnection.open(port, controller.signal);
    const response = await conn.exchange(
      getRequest(`127.0.0.1:${port}`, "/get-status"),
    );
    return response.status === 200;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    conn?.close();
  }
}
