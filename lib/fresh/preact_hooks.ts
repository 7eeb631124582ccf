/**
 * Preact option hooks that run while the server renders a page: they swap
 * each outermost island for a root that records its props, hand JSX props
 * over as slots, check `<Partial>`s, add the CSP nonce to scripts and refuse
 * state hooks outside islands and `f-loading`. One render at a time (rendering to a string
 * is synchronous), so one slot holds the page being rendered.
 */
import {
  type ComponentChildren,
  type ComponentType,
  h,
  isValidElement,
  options,
  type VNode,
} from "preact";
import { type ContentSecurityPolicy, cspSlot } from "./csp.ts";
import { headSlot } from "./head.ts";
import type { Island } from "./islands.ts";
import { Partial } from "./partial.ts";
import { isSignal, SLOT } from "./serialize.ts";
import { unsupported } from "./unsupported.ts";
import { applyVNodeRules } from "./vnode_rules.ts";

/** One island rendered on the page: its props, JSX props replaced by `SLOT`. */
export interface IslandUse {
  island: Island;
  props: Record<string, unknown>;
}

/** What one page render collects. */
export interface RenderState {
  islands: Map<unknown, Island>;
  uses: IslandUse[];
  /** JSX props of islands not rendered yet, by slot id ("3:children"). */
  slots: Map<string, ComponentChildren>;
  head: ComponentChildren[];
  partials: Set<string>;
  csp: ContentSecurityPolicy | null;
  nonce: string;
  /** An error found while rendering, thrown once the render is over. */
  error: Error | null;
}

let current: RenderState | null = null;

/** A fresh state for rendering one page. */
export function newRenderState(
  islands: Map<unknown, Island>,
  csp: ContentSecurityPolicy | null,
): RenderState {
  return {
    islands,
    uses: [],
    slots: new Map(),
    head: [],
    partials: new Set(),
    csp,
    nonce: csp ? crypto.randomUUID().replaceAll("-", "") : "",
    error: null,
  };
}

/** Runs `fn` (which renders to a string) with `state` as the page being rendered. */
export function withRenderState<T>(state: RenderState, fn: () => T): T {
  const previous = current;
  current = state;
  headSlot.current = state.head;
  cspSlot.current = state.csp;
  try {
    return fn();
  } finally {
    current = previous;
    headSlot.current = previous?.head ?? null;
    cspSlot.current = previous?.csp ?? null;
  }
}

// h() for custom elements, which Preact's JSX types do not list.
const element = h as (
  type: string,
  props: Record<string, unknown>,
  ...children: ComponentChildren[]
) => VNode;

/** Marks where a JSX prop of an island renders; the browser adopts what is inside. */
function SlotMarker(props: { id: string; children?: ComponentChildren }) {
  current?.slots.delete(props.id);
  const attributes = { "data-slot": props.id, style: "display:contents" };
  return element("frsh-slot", attributes, props.children);
}

function slotVNode(id: string, children: ComponentChildren): VNode {
  return h(SlotMarker, { id }, children) as VNode;
}

/** Where an outermost island renders: it records its props for the browser. */
function IslandRoot(
  { island, props }: { island: Island; props: Record<string, unknown> },
): VNode {
  const state = current!;
  const id = state.uses.length;
  const sent: Record<string, unknown> = {};
  const rendered: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(props)) {
    // A signal passes for a vnode (so that it renders as text): not JSX.
    const jsx = !isSignal(value) &&
      (name === "children"
        ? value !== undefined && value !== null && value !== false
        : isValidElement(value));
    if (
      name === "children" && jsx && typeof value === "object" &&
      !Array.isArray(value) && !isValidElement(value)
    ) {
      throw new TypeError(
        `${island.name}: its children are an object, not JSX; pass data as a prop`,
      );
    }
    if (!jsx) {
      sent[name] = rendered[name] = value;
      continue;
    }
    const slotId = `${id}:${name}`;
    state.slots.set(slotId, value as ComponentChildren);
    sent[name] = SLOT;
    rendered[name] = slotVNode(slotId, value as ComponentChildren);
  }
  state.uses.push({ island, props: sent });
  return element(
    "frsh-island",
    { "data-id": id, style: "display:contents" },
    h(island.component, rendered),
  );
}

/** Renders the JSX props no island rendered, for the browser to use later. */
export function unrenderedSlots(
  state: RenderState,
  render: (vnode: VNode) => string,
): string {
  let html = "";
  // Rendering a slot may add islands with slots of their own: loop until done.
  while (state.slots.size > 0) {
    const [id, children] = state.slots.entries().next().value!;
    state.slots.delete(id);
    const body = render(slotVNode(id, children));
    html += `<template data-frsh-slot="${id}">${body}</template>`;
  }
  return html;
}

type Internal = VNode & { __?: Internal | null; __c?: { __v?: Internal } };

// Walks up the vnodes being rendered: is `vnode` inside an island's own
// rendering (it hydrates with that island), or in a slot or the page?
function insideIsland(vnode: Internal): boolean {
  for (let p = vnode.__; p; p = p.__) {
    if (p.type === IslandRoot) return true;
    if (p.type === SlotMarker) return false;
  }
  return false;
}

const swapped = new WeakMap<VNode, { type: unknown; props: unknown }>();

type Hooks = typeof options & {
  __b?: (vnode: VNode) => void;
  __h?: (component: unknown, index: number, type: number) => void;
};
const hooks = options as Hooks;
// Class components with getDerivedStateFromError or componentDidCatch
// catch what their children throw while rendering on the server too.
(options as { errorBoundaries?: boolean }).errorBoundaries = true;

const previousVnode = hooks.vnode;
hooks.vnode = (vnode) => {
  applyVNodeRules(vnode);
  if (typeof vnode.type === "string" && "f-loading" in (vnode.props ?? {})) {
    throw unsupported("the f-loading attribute", `<${vnode.type}>`);
  }
  previousVnode?.(vnode);
};

const previousDiff = hooks.__b;
hooks.__b = (vnode) => {
  const state = current;
  if (state) {
    const type = vnode.type;
    if (typeof type === "function") {
      const island = state.islands.get(type);
      if (island && !insideIsland(vnode)) {
        swapped.set(vnode, { type, props: vnode.props });
        (vnode as { props: unknown }).props = { island, props: vnode.props };
        (vnode as { type: unknown }).type = IslandRoot;
      } else if (type === (Partial as ComponentType)) {
        checkPartial(state, vnode as Internal);
      }
    } else if (type === "script" && state.csp) {
      const props = vnode.props as Record<string, unknown>;
      props.nonce ??= state.nonce;
    }
  }
  previousDiff?.(vnode);
};

const previousDiffed = hooks.diffed;
hooks.diffed = (vnode) => {
  // Put a swapped island back: the same vnode may be rendered again.
  const original = vnode.type === IslandRoot ? swapped.get(vnode) : undefined;
  if (original) {
    (vnode as { type: unknown }).type = original.type;
    vnode.props = original.props as typeof vnode.props;
  }
  previousDiffed?.(vnode);
};

function checkPartial(state: RenderState, vnode: Internal) {
  const name = (vnode.props as unknown as { name: string }).name;
  if (insideIsland(vnode)) {
    state.error ??= new Error(
      `<Partial name="${name}"> cannot be used inside an island`,
    );
  } else if (state.partials.has(name)) {
    state.error ??= new Error(
      `two <Partial>s are named "${name}": a partial's name must be unique on the page`,
    );
  }
  state.partials.add(name);
}

const USE_STATE = 1;
const USE_REDUCER = 2;
const previousHook = hooks.__h;
hooks.__h = (component, index, type) => {
  const state = current;
  const vnode = (component as { __v?: Internal }).__v;
  if (
    state && vnode && (type === USE_STATE || type === USE_REDUCER) &&
    !insideIsland(vnode)
  ) {
    const name = (vnode.type as { name?: string }).name || "a component";
    const hook = type === USE_STATE ? "useState" : "useReducer";
    state.error ??= new Error(
      `${name} calls ${hook} outside an island: it would never update in the browser (share state with a signal, or make it an island)`,
    );
  }
  previousHook?.(component, index, type);
};
