import {
  type ComponentChildren,
  type ComponentType,
  Fragment,
  h,
  isValidElement,
  options,
  type VNode,
} from "preact";
import { renderToString } from "preact-render-to-string";
import { internal } from "./internal.ts";
import type {
  AppProps,
  PageProps,
  Plugin,
  PluginRenderFunctionResult,
} from "./types.ts";

/** One exported component of an island module. */
export interface Island {
  /** Index of its module in the manifest's (sorted) island list. */
  module: number;
  exportName: string;
  component: ComponentType;
}

/** One island instance rendered on a page, with its props made JSON-safe. */
export interface IslandUse {
  island: Island;
  props: unknown;
}

// The page being rendered: renderToString is synchronous, so one slot is
// enough. `depth` > 0 while an island renders: islands inside it hydrate
// with it.
let current: {
  islands: Map<unknown, Island>;
  uses: IslandUse[];
  depth: number;
} | null = null;

const SIGNAL = Symbol.for("preact-signals");

function isSignal(value: unknown): value is { peek(): unknown } {
  return typeof value === "object" && value !== null &&
    (value as { brand?: unknown }).brand === SIGNAL;
}

/** Props as JSON can carry them; a signal becomes `{"__frsh_s": value}`. */
export function encodeProps(value: unknown, path = "props"): unknown {
  if (isSignal(value)) return { __frsh_s: encodeProps(value.peek(), path) };
  if (typeof value === "function" || isValidElement(value)) {
    throw new TypeError(
      `${path} cannot cross to the browser: island props must be JSON values or signals`,
    );
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => encodeProps(v, `${path}[${i}]`));
  }
  if (typeof value === "object" && value !== null) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const entries = Object.entries(value);
    return Object.fromEntries(
      entries.map(([k, v]) => [k, encodeProps(v, `${path}.${k}`)]),
    );
  }
  return value;
}

// h() for a custom element, which preact's JSX types do not list.
const element = h as (type: string, props: Record<string, unknown>) => VNode;

function IslandRoot(
  { island, props }: { island: Island; props: Record<string, unknown> },
): VNode {
  const state = current!;
  const id = state.uses.length;
  state.uses.push({ island, props: encodeProps(props) });
  state.depth++;
  let html: string;
  try {
    html = renderToString(h(island.component, props));
  } finally {
    state.depth--;
  }
  const attributes = {
    "data-id": id,
    style: "display:contents",
    dangerouslySetInnerHTML: { __html: html },
  };
  return element("frsh-island", attributes);
}

// Swap every outermost island vnode for a root that records its props and
// marks where the browser hydrates it.
const previousVnodeHook = options.vnode;
options.vnode = (vnode) => {
  const island = current && current.depth === 0
    ? current.islands.get(vnode.type)
    : undefined;
  if (island) {
    const swapped = vnode as { type: unknown; props: unknown };
    swapped.props = { island, props: vnode.props };
    swapped.type = IslandRoot;
  }
  previousVnodeHook?.(vnode);
};

/** Renders `page` (inside `app` when given), collecting `<Head>` children and islands. */
export function renderPage(
  page: ComponentType<PageProps>,
  props: PageProps,
  app: ComponentType<AppProps> | undefined,
  islands: Map<unknown, Island>,
): { html: string; head: string; islands: IslandUse[] } {
  const state = { islands, uses: [] as IslandUse[], depth: 0 };
  const head: ComponentChildren[] = [];
  current = state;
  internal.head = head;
  try {
    const Component = () => h(page, props);
    const root = app ? h(app, { ...props, Component }) : h(page, props);
    const html = renderToString(root as VNode<unknown>);
    internal.head = null;
    return {
      html,
      head: renderToString(h(Fragment, null, head)),
      islands: state.uses,
    };
  } finally {
    current = null;
    internal.head = null;
  }
}

const attribute = (name: string, value?: string) =>
  value
    ? ` ${name}="${value.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"`
    : "";

/**
 * Runs each plugin's `render` hook around `result`; returns the `<style>`
 * tags they add (CSS cannot end its tag early).
 */
export function pluginStyles(
  plugins: Plugin[],
  result: PluginRenderFunctionResult,
): string {
  let tags = "";
  for (const plugin of plugins) {
    if (!plugin.render) continue;
    let called = false;
    const out = plugin.render({ render: () => (called = true, result) });
    if (!called) {
      throw new Error(`plugin ${plugin.name} did not call ctx.render()`);
    }
    for (const s of out.styles ?? []) {
      const css = s.cssText.replace(/<\/style/gi, "<\\/style");
      tags += `<style${attribute("id", s.id)}${
        attribute("media", s.media)
      }>${css}</style>`;
    }
  }
  return tags;
}

/**
 * The one module script that loads the islands used on the page and hydrates
 * each with its props; "" when there are none.
 */
export function islandScript(
  uses: IslandUse[],
  runtime: string,
  modules: string[],
  buildId: string,
): string {
  if (uses.length === 0) return "";
  const used = [...new Set(uses.map((u) => u.island.module))];
  const data = uses.map((u) => [u.island.module, u.island.exportName, u.props]);
  const js = `import{boot}from${JSON.stringify(runtime)};` +
    used.map((m) => `import*as m${m} from${JSON.stringify(modules[m])};`).join(
      "",
    ) +
    `boot({${used.map((m) => `${m}:m${m}`).join(",")}},` +
    `${JSON.stringify(JSON.stringify(data))},${JSON.stringify(buildId)});`;
  // "<" only occurs inside string literals here, where \u003c means the same.
  return `<script type="module">${js.replace(/</g, "\\u003c")}</script>`;
}

/**
 * The final document: `html` as rendered (a whole `<html>` document when
 * `_app` renders one), with `head` merged into `<head>` and `body` appended
 * to `<body>`.
 */
export function assembleDocument(
  html: string,
  head: string,
  body: string,
): string {
  if (!/^<html[\s>]/i.test(html)) {
    return `<!DOCTYPE html><html><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `${head}</head><body>${html}${body}</body></html>`;
  }
  let doc = html;
  const headEnd = doc.indexOf("</head>");
  if (headEnd >= 0) {
    doc = doc.slice(0, headEnd) + head + doc.slice(headEnd);
  } else {
    const open = doc.indexOf(">") + 1;
    doc = `${doc.slice(0, open)}<head>${head}</head>${doc.slice(open)}`;
  }
  const bodyEnd = doc.lastIndexOf("</body>");
  doc = bodyEnd >= 0
    ? doc.slice(0, bodyEnd) + body + doc.slice(bodyEnd)
    : doc.replace(/<\/html>$/, `${body}</html>`);
  return "<!DOCTYPE html>" + doc;
}
