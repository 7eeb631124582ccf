import type { ComponentChildren } from "preact";
import { internal } from "./internal.ts";

/** True in the browser, false while rendering on the server. */
export const IS_BROWSER = typeof document !== "undefined";

/** Moves its children into the page's `<head>` (server render only). */
export function Head(props: { children?: ComponentChildren }): null {
  internal.head?.push(props.children);
  return null;
}

/**
 * Adds the build id to a same-origin absolute path, so the file can be cached
 * for a year and still change with the next deploy.
 */
export function asset(path: string): string {
  if (!path.startsWith("/") || path.startsWith("//") || !internal.buildId) {
    return path;
  }
  const url = new URL(path, "http://localhost");
  if (url.searchParams.has("__frsh_c")) return path;
  url.searchParams.set("__frsh_c", internal.buildId);
  return url.pathname + url.search + url.hash;
}
