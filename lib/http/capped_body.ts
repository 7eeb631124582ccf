/** Reading a request body under a size cap. */
export type CappedBody =
  | { ok: true; text: string }
  | { ok: false; reason: "too-large" | "unreadable" };

/**
 * Reads at most `limit` bytes of a request body as UTF-8. A larger body,
 * declared or sent, is refused without reading (or buffering) the rest.
 */
export async function readCapped(
  request: Request,
  limit: number,
): Promise<CappedBody> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    return { ok: false, reason: "too-large" };
  }
  if (request.body === null) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return { ok: false, reason: "too-large" };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: "unreadable" };
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return {
      ok: true,
      text: new TextDecoder("utf-8", { fatal: true }).decode(bytes),
    };
  } catch {
    return { ok: false, reason: "unreadable" };
  }
}
