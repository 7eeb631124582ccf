/**
 * The browser half of islands: loaded by the page's one module script, it
 * hydrates each `<frsh-island>` root with its component and props.
 */
import { type ComponentType, h, render } from "preact";
import { signal } from "@preact/signals";
import { internal } from "./internal.ts";

type IslandModule = Record<string, ComponentType>;

// A prop the server sent as {"__frsh_s": value} was a signal there.
function revive(_key: string, value: unknown): unknown {
  return typeof value === "object" && value !== null && "__frsh_s" in value
    ? signal(value.__frsh_s)
    : value;
}

/** Hydrates every island root on the page from `json`: [[module, export, props], ...]. */
export function boot(
  modules: Record<number, IslandModule>,
  json: string,
  buildId: string,
): void {
  internal.buildId = buildId;
  const islands: [number, string, Record<string, unknown>][] = JSON.parse(
    json,
    revive,
  );
  for (const root of document.querySelectorAll("frsh-island")) {
    const [module, name, props] = islands[Number(root.getAttribute("data-id"))];
    // render(), not hydrate(): it reuses the server's DOM but also patches
    // attributes that differ in the browser (e.g. `disabled={!IS_BROWSER}`).
    render(h(modules[module][name], props), root);
  }
}
