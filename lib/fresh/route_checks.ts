/**
 * What a route, layout or `_app` module may export, checked once at start so
 * that a mistake stops the app with one line instead of a blank page.
 */
import type { KnownMethod } from "./types.ts";
import { StartError } from "./unsupported.ts";

/** The methods a handler object is read for, as in Fresh. */
export const knownMethods: readonly KnownMethod[] = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "OPTIONS",
  "PATCH",
];

/** Throws (or, for harmless oddities, warns) about what `mod` exports. */
export function checkRouteModule(
  file: string,
  mod: Record<string, unknown>,
  kind: "page" | "layout" | "app",
): void {
  if (mod.handler === undefined && "handlers" in mod) {
    throw new StartError(
      `${file}: exports "handlers"; Fresh reads the export "handler"`,
    );
  }
  const handler = mod.handler;
  if (kind === "page" && handler !== undefined) {
    if (typeof handler !== "function" && typeof handler !== "object") {
      throw new StartError(
        `${file}: handler must be a function or an object of methods`,
      );
    }
    for (
      const key of typeof handler === "object" ? Object.keys(handler!) : []
    ) {
      if (!knownMethods.includes(key as KnownMethod)) {
        console.warn(
          `warning: ${file}: handler key "${key}" is no HTTP method Fresh knows; requests with it answer 405`,
        );
      }
    }
  }
  const component = mod.default;
  if (component !== undefined && typeof component !== "function") {
    throw new StartError(`${file}: the default export must be a component`);
  }
  if (kind !== "page" && typeof component !== "function") {
    throw new StartError(
      `${file}: a ${kind} must export a component as default`,
    );
  }
}
