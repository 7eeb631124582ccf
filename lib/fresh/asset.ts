import { internal } from "./internal.ts";

/** The search parameter that carries the build id. */
export const ASSET_PARAM = "__frsh_c";

/**
 * Adds the base path and the build id to a same-origin absolute path, so the
 * file can be cached for a year and still change with the next deploy.
 */
export function asset(path: string): string {
  if (!path.startsWith("/") || path.startsWith("//")) return path;
  let url: URL;
  try {
    url = new URL(path, "http://localhost");
  } catch {
    return path;
  }
  const base = internal.basePath;
  const prefixed = base && !url.pathname.startsWith(base + "/") &&
      url.pathname !== base
    ? base + url.pathname
    : url.pathname;
  if (!internal.buildId || url.searchParams.has(ASSET_PARAM)) {
    return prefixed + url.search + url.hash;
  }
  url.searchParams.set(ASSET_PARAM, internal.buildId);
  return prefixed + url.search + url.hash;
}

/** `asset()` applied to every URL of a `srcset` ("/a.png 1x, /b.png 2x"). */
export function assetSrcSet(srcset: string): string {
  if (srcset.includes("(")) return srcset; // A CSS function: leave it be.
  return srcset.split(",").map((part) => {
    const [url, ...descriptors] = part.trim().split(/\s+/);
    return [asset(url), ...descriptors].join(" ");
  }).join(", ");
}
