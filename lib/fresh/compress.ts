/** Gzip for immutable assets: each is compressed once, then served from memory. */

const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

/** The gzip of `text`, computed on first use and kept under `key`. */
export function gzipOnce(
  key: string,
  text: string,
): Promise<Uint8Array<ArrayBuffer>> {
  let bytes = cache.get(key);
  if (!bytes) {
    const stream = new Blob([text]).stream().pipeThrough(
      new CompressionStream("gzip"),
    );
    bytes = new Response(stream).bytes();
    cache.set(key, bytes);
  }
  return bytes;
}

/** True when the request says it takes gzip. */
export function acceptsGzip(req: Request): boolean {
  return /\bgzip\b/.test(req.headers.get("accept-encoding") ?? "");
}
