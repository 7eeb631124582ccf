/**
 * A raw HTTP/1.1 exchange over TCP, for what `fetch` cannot do: send a body
 * slowly, or stop sending it half-way.
 */
import { parseAnswer, type RawAnswer } from "./raw_socket.ts";

/**
 * Opens a connection, writes `head` and `bodyStart`, then reads until a
 * whole response has arrived, without ever sending the rest of the body.
 */
export async function sendPartial(
  port: number,
  head: string,
  bodyStart: Uint8Array,
  timeoutMs = 5_000,
): Promise<RawAnswer> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(head));
    await conn.write(bodyStart);
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(64 * 1024);
    let text = "";
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += decoder.decode(buffer.subarray(0, n), { stream: true });
      const response = parseAnswer(text);
      if (response) return response;
    }
    throw new Error(`no complete response; got: ${JSON.stringify(text)}`);
  } finally {
    conn.close();
  }
}
