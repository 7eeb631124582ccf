/**
 * True when `address` (an IP address as the server reports a peer, e.g.
 * `127.0.0.1`, `::1`, `::ffff:127.0.0.1`; brackets and a zone allowed) is a
 * loopback address: 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6.
 * Names are not addresses: `localhost` is false here (see {@link isLoopbackName}).
 *
 * @example
 * ```ts
 * isLoopbackAddress("127.0.0.2"); // true
 * isLoopbackAddress("::ffff:7f00:1"); // true
 * isLoopbackAddress("10.0.0.1"); // false
 * ```
 */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const v4 = ipv4Bytes(bare);
  if (v4 !== undefined) return v4[0] === 127;
  const v6 = ipv6Bytes(bare);
  if (v6 === undefined) return false;
  const zeros = (from: number, to: number) =>
    v6.slice(from, to).every((byte) => byte === 0);
  if (zeros(0, 15) && v6[15] === 1) return true;
  return zeros(0, 10) && v6[10] === 0xff && v6[11] === 0xff && v6[12] === 127;
}

/**
 * True when a host name, as a browser or client puts it in `Host`, can only
 * mean this machine: `localhost`, a name under `.localhost`, or a loopback
 * address.
 */
export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost") ||
    isLoopbackAddress(name);
}

function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((part) =>
    /^\d{1,3}$/.test(part) ? Number(part) : NaN
  );
  return bytes.every((byte) => byte <= 255) ? bytes : undefined;
}

function ipv6Bytes(text: string): number[] | undefined {
  if (!text.includes(":")) return undefined;
  // A dotted IPv4 tail ("::ffff:127.0.0.1") stands for the last two groups.
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  let hex = text;
  if (tail.includes(".")) {
    const v4 = ipv4Bytes(tail);
    if (v4 === undefined) return undefined;
    const group = (high: number, low: number) =>
      ((high << 8) | low).toString(16);
    hex = text.slice(0, lastColon + 1) + group(v4[0], v4[1]) + ":" +
      group(v4[2], v4[3]);
  }
  const halves = hex.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string) => half === "" ? [] : half.split(":");
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array(missing).fill("0"), ...right];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return all.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}
