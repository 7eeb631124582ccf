/**
 * Renders a page: awaits the async components of its stack (`_app`,
 * layouts, the page), renders the stack to HTML inside the plugins' render
 * hooks, and assembles the document with the head, styles and scripts the
 * page needs.
 */
import { type ComponentType, Fragment, h, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import type { IslandBundle } from "./bundle.ts";
import type { RequestContext } from "./context.ts";
import { cspHeader, defaultCsp } from "./csp.ts";
import { requestStyle } from "./defines.ts";
import { assembleDocument, headNodes } from "./document.ts";
import { internal } from "./internal.ts";
import type { IslandSet } from "./islands.ts";
import {
  islandProps,
  needsScripts,
  pageScripts,
  type ScriptNeeds,
} from "./page_scripts.ts";
import { runRenderHooks } from "./plugin_render.ts";
import {
  newRenderState,
  unrenderedSlots,
  withRenderState,
} from "./preact_hooks.ts";
import { RenderContext } from "./render_context.ts";
import type { Page } from "./routes.ts";
import type { Plugin, RenderFunction, RenderOptions } from "./types.ts";

/** What rendering pages needs from the app. */
export interface PageRenderer {
  plugins: Plugin[];
  renderFn?: RenderFunction;
  islands: IslandSet;
  /** Plugin entrypoints by plugin name and key, as bundle entry keys. */
  entrypointKey(plugin: Plugin, entrypoint: string): string;
  /** The bundle of the app's browser code, made on first need. */
  bundle(): Promise<IslandBundle>;
  /** True when the app has islands (then their code is read for plugins). */
  hasIslands: boolean;
  /** The bundle if it is made already. */
  loadedBundle(): IslandBundle | undefined;
  /** URL prefix of the bundle files. */
  jsBase: string;
  /** What `asset()` adds while this app renders. */
  basePath: string;
  buildId: string;
}

/** True for a component Fresh calls as `(req, ctx)`: async, or given to a `define*` helper. */
export function isRequestStyle(fn: unknown): fn is (
  req: Request,
  ctx: RequestContext,
) => unknown {
  return typeof fn === "function" &&
    (fn.constructor.name === "AsyncFunction" || requestStyle.has(fn));
}

/** The props of page, layout and `_app` components: the context without its methods. */
function pageProps(ctx: RequestContext): Record<string, unknown> {
  return {
    url: ctx.url,
    route: ctx.route,
    pattern: ctx.route,
    params: ctx.params,
    data: ctx.data,
    state: ctx.state,
    error: ctx.error,
    codeFrame: ctx.codeFrame,
    basePath: ctx.basePath,
    config: ctx.config,
    destination: ctx.destination,
    isPartial: ctx.isPartial,
    remoteAddr: ctx.remoteAddr,
    localAddr: ctx.localAddr,
    Component: ctx.Component,
  };
}

/**
 * Builds the page's component tree, awaiting the async components outermost
 * first; a Response one of them returns is the answer instead.
 */
async function componentTree(
  page: Page,
  ctx: RequestContext,
): Promise<VNode | Response> {
  const stack = [...page.wrappers, page.component];
  const props = pageProps(ctx);
  const levels: ComponentType[] = new Array(stack.length);
  const inner = (i: number) => () =>
    i < levels.length ? h(levels[i], null) : null;
  for (let i = 0; i < stack.length; i++) {
    const fn = stack[i];
    if (isRequestStyle(fn)) {
      const outer = ctx.Component;
      if (i < stack.length - 1) ctx.Component = inner(i + 1);
      const out = await fn(ctx.req, ctx);
      ctx.Component = outer;
      if (out instanceof Response) return out;
      levels[i] = () => out as VNode;
    } else {
      const component = fn as ComponentType<Record<string, unknown>>;
      const own = { ...props, Component: inner(i + 1) };
      levels[i] = () => h(component, own);
    }
  }
  return h(levels[0], null);
}

const islandKeys = (app: PageRenderer) => app.islands.entries.map((e) => e.key);

/** The island code if the bundle is there already; undefined if not yet. */
function codeNow(app: PageRenderer): string | undefined {
  if (!app.hasIslands) return "";
  const bundle = app.loadedBundle();
  return bundle ? islandCodeOf(bundle, islandKeys(app)) : undefined;
}

/** Renders the tree inside the plugins' hooks, with a fresh render state. */
async function renderPass(
  app: PageRenderer,
  page: Page,
  ctx: RequestContext,
  tree: VNode,
  islandCode: string | undefined,
) {
  const state = newRenderState(
    app.islands.byComponent,
    page.csp ? defaultCsp() : null,
  );
  const renderBody = (): string => {
    // `asset()` reads these; one process may serve several apps (tests).
    internal.basePath = app.basePath;
    internal.buildId = app.buildId;
    const html = withRenderState(state, () => {
      const body = renderToString(tree);
      return body + unrenderedSlots(state, (v) => renderToString(v));
    });
    if (state.error) throw state.error;
    return html;
  };
  const renderCtx = new RenderContext(
    crypto.randomUUID(),
    ctx.url,
    page.pattern,
  );
  let missedCode = false;
  const hooks = await runRenderHooks(
    app.plugins,
    app.renderFn,
    renderCtx,
    renderBody,
    () => state.uses.length > 0,
    () => {
      if (state.uses.length === 0) return "";
      if (islandCode === undefined) missedCode = true;
      return islandCode ?? "";
    },
  );
  return { state, hooks, renderCtx, missedCode };
}

/** Renders `page` for `ctx` into a full HTML response. */
export async function renderPage(
  app: PageRenderer,
  page: Page,
  ctx: RequestContext,
  status: number,
  options: RenderOptions = {},
): Promise<Response> {
  if (!page.component) {
    throw new Error(`${page.file} has no page component to render`);
  }
  const tree = await componentTree(page, ctx);
  if (tree instanceof Response) return tree;
  const pass = await renderPass(app, page, ctx, tree, codeNow(app));
  let { state, hooks, renderCtx } = pass;
  // Plugins read the island code (twind), which needs the bundle: the
  // first island page rendered before the bundle is ready renders twice.
  if (pass.missedCode && state.uses.length > 0) {
    const code = islandCodeOf(await app.bundle(), islandKeys(app));
    ({ state, hooks, renderCtx } = await renderPass(
      app,
      page,
      ctx,
      tree,
      code,
    ));
  }
  const html = hooks.htmlText;

  const needs: ScriptNeeds = {
    uses: state.uses,
    // Encoded before the bundle is awaited: a prop that cannot be sent is
    // reported as such even when the bundle fails too.
    props: islandProps(state.uses),
    nav: state.partials.size > 0 || html.includes(" f-client-nav"),
    plugins: hooks.scripts.map(([plugin, s]) => ({
      key: app.entrypointKey(plugin, s.entrypoint),
      state: s.state,
    })),
  };
  let scripts = "";
  if (needsScripts(needs)) {
    const b = await app.bundle();
    scripts = pageScripts(needs, {
      base: app.jsBase,
      buildId: b.buildId,
      basePath: ctx.basePath,
      entries: b.entries,
      islandKeys: app.islands.entries.map((e) => e.key),
    }, state.nonce);
  }
  const { title, nodes } = headNodes(state.head);
  const render = (v: VNode | null) =>
    v ? withRenderState(state, () => renderToString(v)) : "";
  const head = render(h(Fragment, null, nodes)) +
    renderCtx.styles.map((css) => styleTag({ cssText: css }, state.nonce))
      .join("") +
    hooks.styles.map((s) => styleTag(s, state.nonce)).join("") +
    hooks.links.map((l) => render(h("link", { ...l }))).join("");
  const document = assembleDocument({
    html,
    head,
    title: render(title),
    body: scripts,
    lang: renderCtx.lang,
  });
  const headers = new Headers(options.headers);
  if (!headers.has("content-type")) {
    headers.set("content-type", "text/html; charset=utf-8");
  }
  if (state.csp) headers.set(...cspHeader(state.csp, state.nonce));
  return new Response(document, {
    status: options.status ?? status,
    statusText: options.statusText,
    headers,
  });
}

const codeOf = new WeakMap<IslandBundle, string>();

/**
 * The code of the island modules and the chunks they import: what an island
 * may run in the browser (the runtime's own words are no classes).
 */
function islandCodeOf(bundle: IslandBundle, keys: string[]): string {
  let code = codeOf.get(bundle);
  if (code !== undefined) return code;
  const files = new Set<string>();
  const queue = keys.map((key) => bundle.entries[key]);
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    const text = bundle.files.get(path);
    if (text === undefined || files.has(path)) continue;
    files.add(path);
    for (const m of text.matchAll(/from\s*"(\.[^"]+)"|import\s*"(\.[^"]+)"/g)) {
      queue.push(new URL(m[1] ?? m[2], `http://x/${path}`).pathname.slice(1));
    }
  }
  code = [...files].sort().map((path) => bundle.files.get(path)).join("\n");
  codeOf.set(bundle, code);
  return code;
}

const attribute = (name: string, value?: string) =>
  value
    ? ` ${name}="${value.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"`
    : "";

/** A `<style>` element (CSS cannot end it early). */
function styleTag(
  s: { cssText: string; id?: string; media?: string },
  nonce: string,
): string {
  const css = s.cssText.replace(/<\/style/gi, "<\\/style");
  return `<style${attribute("id", s.id)}${attribute("media", s.media)}${
    attribute("nonce", nonce)
  }>${css}</style>`;
}
