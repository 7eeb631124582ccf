/**
 * Figure 5: bytes of the HTML of `/` and of all the JavaScript it loads
 * (its scripts, module preloads, and their static imports, followed
 * transitively), raw and gzipped with `CompressionStream`.
 */

/** One fetched file. */
export interface WeighedFile {
  url: string;
  raw: number;
  gzip: number;
}

/** The weight of a page and its JavaScript. */
export interface PageWeight {
  html: WeighedFile;
  scripts: WeighedFile[];
  jsRaw: number;
  jsGzip: number;
  /** Specifiers that could not be fetched or resolved, with the reason. */
  unresolved: string[];
}

/** Size in bytes of `bytes` gzipped. */
export async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  let size = 0;
  for await (const chunk of stream) size += chunk.length;
  return size;
}

const SCRIPT_SRC =
  /<script\b[^>]*?\bsrc\s*=\s*(?:"([^"]+)"|'([^']+)'|([^\s>]+))[^>]*>/gi;
const MODULE_PRELOAD =
  /<link\b(?=[^>]*\brel\s*=\s*["']?modulepreload)[^>]*?\bhref\s*=\s*(?:"([^"]+)"|'([^']+)'|([^\s>]+))[^>]*>/gi;
const INLINE_MODULE =
  /<script\b(?=[^>]*\btype\s*=\s*["']?module)(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;
// `import x from "y"`, `import "y"`, `export * from "y"`, minified or not;
// dynamic `import("y")` is left out on purpose: it is not loaded up front.
const STATIC_IMPORT =
  /(?:^|[\s;{}()])(?:import|export)\s*(?:[\w$*{},\s]+?\s*from\s*)?["']([^"'\n]+)["']/g;

/** Script URLs an HTML page loads, resolved against `base`. */
export function scriptsOfHtml(html: string, base: string): {
  urls: string[];
  inline: string[];
} {
  const urls: string[] = [];
  for (const pattern of [SCRIPT_SRC, MODULE_PRELOAD]) {
    for (const m of html.matchAll(pattern)) {
      urls.push(new URL(decodeEntities(m[1] ?? m[2] ?? m[3]), base).href);
    }
  }
  const inline = [...html.matchAll(INLINE_MODULE)].map((m) => m[1]);
  return { urls, inline };
}

/** Static import specifiers of a JavaScript module. */
export function staticImports(source: string): string[] {
  return [...source.matchAll(STATIC_IMPORT)].map((m) => m[1]);
}

function decodeEntities(value: string): string {
  return value.replaceAll("&amp;", "&").replaceAll("&quot;", '"');
}

/** Fetches `/` from `origin` and weighs it and every script it loads. */
export async function weighPage(origin: string): Promise<PageWeight> {
  const fetchBytes = async (url: string) => {
    const response = await fetch(url, {
      headers: { "accept-encoding": "identity" },
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return bytes;
  };
  const weigh = async (url: string, bytes: Uint8Array) => ({
    url: new URL(url).pathname + new URL(url).search,
    raw: bytes.length,
    gzip: await gzipSize(bytes),
  });
  const htmlUrl = new URL("/", origin).href;
  const htmlBytes = await fetchBytes(htmlUrl);
  const html = new TextDecoder().decode(htmlBytes);
  const found = scriptsOfHtml(html, htmlUrl);
  const queue = [...found.urls];
  for (const source of found.inline) {
    for (const spec of staticImports(source)) {
      queue.push(resolve(spec, htmlUrl));
    }
  }
  const seen = new Set<string>();
  const scripts: WeighedFile[] = [];
  const unresolved: string[] = [];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    if (!url.startsWith(origin)) {
      unresolved.push(`${url}: not on this server`);
      continue;
    }
    try {
      const bytes = await fetchBytes(url);
      scripts.push(await weigh(url, bytes));
      for (const spec of staticImports(new TextDecoder().decode(bytes))) {
        queue.push(resolve(spec, url));
      }
    } catch (error) {
      unresolved.push(`${url}: ${(error as Error).message}`);
    }
  }
  return {
    html: await weigh(htmlUrl, htmlBytes),
    scripts,
    jsRaw: scripts.reduce((n, s) => n + s.raw, 0),
    jsGzip: scripts.reduce((n, s) => n + s.gzip, 0),
    unresolved,
  };
}

function resolve(specifier: string, base: string): string {
  // A bare specifier would need an import map, which the page does not ship.
  if (/^[./]|^https?:/.test(specifier)) return new URL(specifier, base).href;
  return `bare:${specifier}`;
}
