import { createHash, timingSafeEqual } from "node:crypto";

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text).digest();
}

/**
 * True when the `Authorization` header carries `Bearer <token>`. Both sides
 * are hashed first, so the comparison takes the same time whatever the
 * lengths and wherever they differ.
 */
export function bearerMatches(header: string | null, token: string): boolean {
  const match = header?.match(/^Bearer[ ]+(.+)$/i);
  const given = match ? match[1] : "";
  return timingSafeEqual(digest(given), digest(token)) && match !== null;
}
