/**
 * The browser half of `serialize.ts`: turns the island props JSON back into
 * values, with one signal (or object) wherever the server had one.
 */
import { signal } from "@preact/signals";

type Tagged = { __f: string; i?: number; v?: unknown; d?: string };

/** Decodes one island's props; `slot(name)` gives what a JSX prop becomes. */
export function decodeProps(
  encoded: unknown,
  refs: Map<number, unknown>,
  slot: (name: string) => unknown,
): unknown {
  const decode = (value: unknown, key: string): unknown => {
    if (typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return fill([], value, key);
    const tagged = value as Tagged;
    switch (tagged.__f) {
      case undefined:
        return fill({}, value, key);
      case "l":
        return fill({}, tagged.v as object, key);
      case "r":
        return refs.get(tagged.i!);
      case "j":
        return slot(key);
      case "u8":
        return keep(
          tagged,
          Uint8Array.from(atob(tagged.d!), (c) => c.charCodeAt(0)),
        );
      case "s": {
        const s = keep(tagged, signal<unknown>(undefined));
        s.value = decode(tagged.v, key);
        return s;
      }
      case "o": {
        const body = tagged.v as object;
        return fill(keep(tagged, Array.isArray(body) ? [] : {}), body, key);
      }
    }
    throw new TypeError(`unknown island prop tag ${tagged.__f}`);
  };
  const keep = <T>(tagged: Tagged, value: T): T => {
    if (tagged.i !== undefined) refs.set(tagged.i, value);
    return value;
  };
  const fill = (target: object, body: object, key: string): object => {
    for (const [k, v] of Object.entries(body)) {
      (target as Record<string, unknown>)[k] = decode(v, key === "" ? k : key);
    }
    return target;
  };
  return decode(encoded, "");
}
