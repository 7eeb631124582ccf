// Fresh's public types default page data to `any`, so that an app may read
// `props.data.x` without naming a type; the core keeps those defaults so
// that such an app type-checks unchanged.
// deno-lint-ignore-file no-explicit-any
import type { ComponentChildren, ComponentType, VNode } from "preact";
import type { RenderContext } from "./render_context.ts";

type Dict = Record<string, unknown>;

/** The HTTP methods a handler object may be keyed by. */
export type KnownMethod =
  | "GET"
  | "HEAD"
  | "POST"
  | "PUT"
  | "PATCH"
  | "DELETE"
  | "OPTIONS";

/** What the request was routed to. */
export type DestinationKind = "route" | "notFound" | "static" | "internal";

/** Status and headers for a rendered page. */
export interface RenderOptions extends ResponseInit {}

/** The connection a request came over; `createHandler`'s handler may be called without it. */
export interface ServeHandlerInfo {
  /** @deprecated Kept for code written for std/http. */
  localAddr?: Deno.NetAddr;
  remoteAddr: Deno.NetAddr;
}

/** A request handler as `Deno.serve` takes it. */
export type ServeHandler = (
  request: Request,
  info?: ServeHandlerInfo,
) => Promise<Response>;

/** What a handler, middleware or async component learns about the request, and what it can do next. */
export interface FreshContext<State = Dict, Data = any, NotFoundData = Data> {
  /** @deprecated Kept for code written for std/http. */
  localAddr?: Deno.NetAddr;
  remoteAddr: Deno.NetAddr;
  req: Request;
  url: URL;
  /** `router.basePath` ("" when the app is served from the root). */
  basePath: string;
  /** The URL pattern of the matched route ("" when none matched). */
  route: string;
  /** @deprecated Use `route`. */
  pattern: string;
  destination: DestinationKind;
  /** The route's dynamic segments, decoded; an absent optional one is "". */
  params: Record<string, string>;
  /** True for a request that client navigation sent for partials only. */
  isPartial: boolean;
  /** Shared by every middleware and the handler of one request. */
  state: State;
  config: ResolvedFreshConfig;
  /** What the handler passed to `ctx.render()`, for async components. */
  data: Data;
  /** What was thrown, while `_500` renders. */
  error?: unknown;
  /** Development only: the source lines where the error was thrown. */
  codeFrame?: unknown;
  /** Renders the route's page (inside its layouts and `_app`) with `data`. */
  render(data?: Data, options?: RenderOptions): Response | Promise<Response>;
  /** Renders `_404` with status 404. */
  renderNotFound(data?: NotFoundData): Response | Promise<Response>;
  /** In a layout or `_app`: renders what it wraps. */
  Component: ComponentType<unknown>;
  /** Runs the next middleware, or the route itself after the last one. */
  next(): Promise<Response>;
  /** A redirect to a path of this site (a leading "//" cannot leave it). */
  redirect(path: string, status?: number): Response;
}

/** The context an async route component gets. */
export type RouteContext<T = any, S = Dict> = Omit<
  FreshContext<S, T>,
  "next" | "render"
>;

/** The props of a page, layout, `_app`, `_404` or `_500` component. */
export type PageProps<T = any, S = Dict> = Omit<
  FreshContext<S, T>,
  "render" | "next" | "renderNotFound" | "redirect"
>;

/** Answers a request for a route (or for one method of it). */
export type Handler<T = any, State = Dict> = (
  req: Request,
  ctx: FreshContext<State, T>,
) => Response | Promise<Response>;

/** Handlers keyed by method; a missing HEAD falls back to GET. */
export type Handlers<T = any, State = Dict> = {
  [K in KnownMethod]?: Handler<T, State>;
};

/** A `_middleware.ts` handler: it calls `ctx.next()` to go on. */
export type MiddlewareHandler<State = Dict> = (
  req: Request,
  ctx: FreshContext<State>,
) => Response | Promise<Response>;

/** What a `_middleware.ts` module (or a plugin middleware) exports. */
export interface Middleware<State = Dict> {
  handler: MiddlewareHandler<State> | MiddlewareHandler<State>[];
}

/** The handler of `_404`. */
export type UnknownHandler = (
  req: Request,
  ctx: FreshContext,
) => Response | Promise<Response>;

/** The handler of `_500`; `ctx.error` is what was thrown. */
export type ErrorHandler = (
  req: Request,
  ctx: FreshContext,
) => Response | Promise<Response>;

/** A page component that loads its own data: `async (req, ctx) => <jsx/>` (or a Response). */
export type AsyncRoute<T = any, S = Dict> = (
  req: Request,
  ctx: FreshContext<S, T>,
) => Promise<ComponentChildren | Response>;

/** An async layout or `_app`: `ctx.Component` renders what it wraps. */
export type AsyncLayout<T = any, S = Dict> = (
  req: Request,
  ctx: FreshContext<S, T>,
) => Promise<ComponentChildren | Response>;

/** Any kind of page component. */
export type PageComponent<T = any, S = Dict> =
  | ComponentType<PageProps<T, S>>
  | AsyncRoute<T, S>
  | ((props: any) => VNode<any> | ComponentChildren);

/** Per-route options, exported as `config` from a route module. */
export interface RouteConfig {
  /** A URL pattern to use instead of the one the file name gives. */
  routeOverride?: string;
  /** Send a Content-Security-Policy (see `useCSP`). */
  csp?: boolean;
  /** Render inside no layout. */
  skipInheritedLayouts?: boolean;
  /** Render without `_app`. */
  skipAppWrapper?: boolean;
}

/** Options a `_layout` exports as `config`. */
export interface LayoutConfig {
  /** Skip `_app` for every page under this layout. */
  skipAppWrapper?: boolean;
  /** Drop the layouts of outer directories: this one is the outermost. */
  skipInheritedLayouts?: boolean;
}

/** What a route module exports. */
export interface RouteModule {
  default?: PageComponent<PageProps>;
  handler?: Handler<any, any> | Handlers<any, any>;
  config?: RouteConfig;
}

/** What a `_layout` module exports. */
export interface LayoutModule {
  handler?: Handler<any, any> | Handlers<any, any>;
  default: ComponentType<PageProps> | AsyncLayout;
  config?: LayoutConfig;
}

/** What `_app` exports. */
export interface AppModule {
  default: ComponentType<PageProps> | AsyncLayout;
}

/** What `_404` exports. */
export interface UnknownPageModule {
  default?: PageComponent<PageProps>;
  handler?: UnknownHandler;
  config?: RouteConfig;
}

/** What `_500` exports. */
export interface ErrorPageModule {
  default?: PageComponent<PageProps>;
  handler?: ErrorHandler;
  config?: RouteConfig;
}

/** What an island module exports: every exported function is an island. */
export interface IslandModule {
  [key: string]: ComponentType<any> | unknown;
}

/** What a `_middleware` module exports. */
export interface MiddlewareModule<State = any> {
  handler: MiddlewareHandler<State> | MiddlewareHandler<State>[];
}

/** `fresh.gen.ts`: every route and island module, imported statically. */
export interface Manifest {
  routes: Record<string, Dict>;
  islands: Record<string, Dict>;
  baseUrl: string;
}

/** A `<style>` a plugin puts into the page's head. */
export interface PluginRenderStyleTag {
  cssText: string;
  media?: string;
  id?: string;
}

/** A `<link>` a plugin puts into the page's head. */
export interface PluginRenderLink {
  crossOrigin?: string;
  href?: string;
  hreflang?: string;
  media?: string;
  referrerPolicy?: string;
  rel?: string;
  title?: string;
  type?: string;
}

/** A script a plugin ships: `default(state)` of one of its `entrypoints`. */
export interface PluginRenderScripts {
  /** The key of the module in the plugin's `entrypoints`. */
  entrypoint: string;
  /** Passed to the module's default export in the browser; JSON only. */
  state: unknown;
}

/** What `ctx.render()` gives a plugin's `render` hook. */
export interface PluginRenderFunctionResult {
  /** The rendered body (the whole document when `_app` renders `<html>`). */
  htmlText: string;
  /** True when the page has islands. */
  requiresHydration: boolean;
  /**
   * Not in Fresh: on a page with islands, the text of every island bundle
   * file ("" otherwise), to see the classes only the browser adds.
   */
  islandCode?: string;
}

/** Renders the page for a plugin's `render` hook. */
export type PluginRenderFunction = () => PluginRenderFunctionResult;

/** Renders the page for a plugin's `renderAsync` hook. */
export type PluginAsyncRenderFunction = () =>
  | PluginRenderFunctionResult
  | Promise<PluginRenderFunctionResult>;

/** A plugin's `render` hook: it calls `ctx.render()` once. */
export interface PluginRenderContext {
  render: PluginRenderFunction;
}

/** A plugin's `renderAsync` hook: it awaits `ctx.renderAsync()` once. */
export interface PluginAsyncRenderContext {
  renderAsync: PluginAsyncRenderFunction;
}

/** What a plugin's render hook adds to the page. */
export interface PluginRenderResult {
  styles?: PluginRenderStyleTag[];
  scripts?: PluginRenderScripts[];
  links?: PluginRenderLink[];
  /** Replaces the rendered body. */
  htmlText?: string;
}

/** A route a plugin adds; `path` is written like a file under `routes/`, without extension. */
export interface PluginRoute {
  path: string;
  component?:
    | ComponentType<PageProps>
    | AsyncRoute
    | AsyncLayout;
  handler?: Handler<any, any> | Handlers<any, any>;
}

/** A middleware a plugin adds for the routes under `path`. */
export interface PluginMiddleware<State = Dict> {
  path: string;
  middleware: Middleware<State>;
}

/** Island modules a plugin brings: `paths` resolved against `baseLocation`. */
export interface PluginIslands {
  baseLocation: string;
  paths: string[];
}

/** A Fresh plugin: a name and any of these hooks. */
export interface Plugin<State = Dict> {
  name: string;
  /** Browser modules the `scripts` of a render result refer to, by key. */
  entrypoints?: Record<string, string>;
  render?(ctx: PluginRenderContext): PluginRenderResult;
  renderAsync?(ctx: PluginAsyncRenderContext): Promise<PluginRenderResult>;
  /** Called before `deno task build` bundles. */
  buildStart?(config: ResolvedFreshConfig): Promise<void> | void;
  /** Called after `deno task build` wrote its files. */
  buildEnd?(): Promise<void> | void;
  /** Called once the configuration is resolved, before serving. */
  configResolved?(config: ResolvedFreshConfig): Promise<void> | void;
  routes?: PluginRoute[];
  middlewares?: PluginMiddleware<State>[];
  islands?: PluginIslands;
  /**
   * Not in Fresh: awaited on SIGINT/SIGTERM, before the server stops
   * listening (every plugin's, errors logged), e.g. to answer held requests.
   */
  shutdown?(): void | Promise<void>;
}

/** Wraps every page render, e.g. to set `ctx.lang`; it must call `render()`. */
export type RenderFunction = (
  ctx: RenderContext,
  render: InnerRenderFunction,
) => void | Promise<void>;

/** Renders the page's body; for a `RenderFunction`. */
export type InnerRenderFunction = () => string;

/** Where and how `start()` listens; these win over PORT and HOSTNAME. */
export interface ServerOptions {
  port?: number;
  hostname?: string;
  signal?: AbortSignal;
  onListen?: (addr: Deno.NetAddr) => void;
  /**
   * Let several processes listen on one port (Linux SO_REUSEPORT spreads
   * connections over them; Deno needs `--unstable-net`).
   */
  reusePort?: boolean;
  /** TLS, as Fresh takes it: refused at start by this core. */
  cert?: string;
  /** TLS, as Fresh takes it: refused at start by this core. */
  key?: string;
  /** As Fresh takes it: refused at start by this core. */
  onError?: (error: unknown) => Response | Promise<Response>;
  /**
   * Not in Fresh: `"guarded"` (the default) serves with the core's own
   * HTTP/1.1 server, which enforces `timeouts`, closes the oldest idle or
   * slow connections when descriptors run short and answers oversized
   * heads with 431/414; `"deno"` uses `Deno.serve`, which does none of
   * that (the default on Deno Deploy, whose edge owns the connections).
   */
  engine?: "guarded" | "deno";
  /** Not in Fresh: connection deadlines in milliseconds (guarded engine). */
  timeouts?: {
    /** To send a whole request head (default 20,000). */
    headerMs?: number;
    /** To send a request body, or take a response (default 30,000). */
    bodyMs?: number;
    /** Between two requests of a keep-alive connection (default 60,000). */
    idleMs?: number;
  };
  /**
   * Not in Fresh: open connections past which the oldest idle or slow ones
   * are closed (guarded engine; default: from the open-file limit).
   */
  maxConnections?: number;
  /**
   * Not in Fresh: a buffer from `sharedConnectionBuffer()`, given to every
   * worker of one process, so that they count their connections together
   * against the one open-file limit they share.
   */
  sharedConnections?: SharedArrayBuffer;
  /** Not in Fresh: stop and exit on SIGINT/SIGTERM (default true; a worker leaves that to its parent). */
  handleSignals?: boolean;
}

/** How requests map to routes. */
export interface RouterOptions {
  /**
   * Routes end with "/": `/about` redirects to `/about/` (308). Without it,
   * `/about/` redirects to `/about` (307).
   */
  trailingSlash?: boolean;
  /** Files under `routes/` and `islands/` the manifest leaves out. */
  ignoreFilePattern?: RegExp;
  /** Serve the app under this path, e.g. "/docs". */
  basePath?: string;
}

/** The app's configuration (`fresh.config.ts`). */
export interface FreshConfig {
  build?: {
    /** Where `deno task build` writes (default `_fresh`, relative to the app). */
    outDir?: string;
    /** Only "es2022" (the default) is supported by the core. */
    target?: string | string[];
  };
  render?: RenderFunction;
  plugins?: Plugin[];
  /** The directory of static files (default `static`, relative to the app). */
  staticDir?: string;
  router?: RouterOptions;
  server?: ServerOptions;
}

/** The configuration as the app runs with it (`ctx.config`). */
export interface ResolvedFreshConfig {
  dev: boolean;
  build: { outDir: string; target: string | string[] };
  render: RenderFunction;
  plugins: Plugin[];
  staticDir: string;
  router?: RouterOptions;
  server: ServerOptions;
  basePath: string;
}

/** @deprecated Use `FreshConfig`. */
export type StartOptions = FreshConfig;
/** @deprecated Use `FreshConfig`. */
export type FreshOptions = FreshConfig;
/** @deprecated Use `FreshContext`. */
export type HandlerContext<Data = any, State = Dict, NotFoundData = Data> =
  FreshContext<State, Data, NotFoundData>;
/** @deprecated Use `FreshContext`. */
export type MiddlewareHandlerContext<State = Dict> = FreshContext<State>;
/** @deprecated Use `FreshContext`. */
export type AppContext<T = any, S = Dict> = FreshContext<S, T>;
/** @deprecated Use `FreshContext`. */
export type LayoutContext<T = any, S = Dict> = FreshContext<S, T>;
/** @deprecated Use `FreshContext`. */
export type UnknownHandlerContext<State = Dict> = FreshContext<State>;
/** @deprecated Use `FreshContext`. */
export type ErrorHandlerContext<State = Dict> = FreshContext<State>;
/** @deprecated Use `PageProps`. */
export type AppProps<T = any, S = Dict> = PageProps<T, S>;
/** @deprecated Use `PageProps`. */
export type LayoutProps<T = any, S = Dict> = PageProps<T, S>;
/** @deprecated Use `PageProps`. */
export type UnknownPageProps<T = any, S = Dict> = PageProps<T, S>;
/** @deprecated Use `PageProps`. */
export type ErrorPageProps = PageProps;
/** @deprecated Use `Handlers`. */
export type MultiHandler<T = any> = Handlers<T>;
