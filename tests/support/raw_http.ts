/**
 * A raw HTTP/1.1 exchange over TCP, for what `fetch` cannot do: send a body
 * slowly, or stop sending it half-way.
 */

/** The parts of a raw HTTP response a test looks at. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** Parses a complete HTTP/1.1 response with a Content-Length body. */
export function parseRawResponse(text: string): RawResponse | undefined {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const length = Number(headers.get("content-length") ?? "0");
  const body = text.slice(end + 4);
  if (new TextEncoder().encode(body).byteLength < length) return undefined;
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

/**
 * Opens a connection, writes `head` and `bodyStart`, then reads until a
 * whole response has arrived, without ever sending the rest of the body.
 */
export async function sendPartial(
  port: number,
  head: string,
  bodyStart: Uint8Array,
  timeoutMs = 5_000,
): Promise<RawResponse> {
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
      const response = parseRawResponse(text);
      if (response) return response;
    }
    throw new Error(`no complete response; got: ${JSON.stringify(text)}`);
  } finally {
    conn.close();
  }
}
