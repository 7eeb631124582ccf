/**
 * What the core changes on every element vnode, on the server and in the
 * browser alike, so that hydration sees what the server rendered:
 * - a string event handler (`onclick="…"`) stays an attribute instead of
 *   becoming a listener Preact would call as a function;
 * - `f-client-nav={false}` is written out (`"false"`) so it can switch
 *   client navigation off below an element that switched it on;
 * - `<img>`/`<source>` `src` and `srcset` get the build id (see `asset`),
 *   unless the element has `data-fresh-disable-lock`.
 */
import type { VNode } from "preact";
import { asset, assetSrcSet } from "./asset.ts";

/** Applies the rules to `vnode` if it is an element. */
export function applyVNodeRules(vnode: VNode): void {
  const type = vnode.type;
  if (typeof type !== "string") return;
  const props = vnode.props as Record<string, unknown>;
  for (const key in props) {
    const value = props[key];
    if (key[0] === "o" && key[1] === "n" && typeof value === "string") {
      delete props[key];
      // Attribute names are case-insensitive; Preact only wires "on…".
      props["ON" + key.slice(2)] = value;
    }
  }
  const nav = props["f-client-nav"];
  if (typeof nav === "boolean") props["f-client-nav"] = String(nav);
  if (
    (type === "img" || type === "source") && !props["data-fresh-disable-lock"]
  ) {
    if (typeof props.src === "string") props.src = asset(props.src);
    for (const key of ["srcset", "srcSet"]) {
      if (typeof props[key] === "string") {
        props[key] = assetSrcSet(props[key] as string);
      }
    }
  }
}
