import type { ComponentType } from "preact";

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

/** Status and headers for a rendered page. */
export interface RenderOptions {
  status?: number;
  headers?: HeadersInit;
}

/** What a handler or middleware learns about the request, and what it can do next. */
export interface FreshContext<State = Dict, Data = unknown> {
  req: Request;
  url: URL;
  /** The route's dynamic segments, decoded. */
  params: Record<string, string>;
  /** Shared by every middleware and the handler of one request. */
  state: State;
  /** The URL pattern of the matched route ("" when none matched). */
  route: string;
  destination: "route" | "notFound" | "static" | "internal";
  remoteAddr: Deno.NetAddr;
  /** What was thrown, while `_500` renders. */
  error?: unknown;
  /** Renders the route's page component (inside `_app`) with `data`. */
  render(data?: Data, options?: RenderOptions): Promise<Response>;
  /** Renders `_404` with status 404. */
  renderNotFound(data?: Data): Promise<Response>;
  /** Runs the next middleware, or the route itself after the last one. */
  next(): Promise<Response>;
}

/** Answers a request for a route (or for one method of it). */
export type Handler<Data = unknown, State = Dict> = (
  req: Request,
  ctx: FreshContext<State, Data>,
) => Response | Promise<Response>;

/** Handlers keyed by method; a missing HEAD falls back to GET. */
export type Handlers<Data = unknown, State = Dict> = {
  [M in KnownMethod]?: Handler<Data, State>;
};

/** A `_middleware.ts` handler: it calls `ctx.next()` to go on. */
export type MiddlewareHandler<State = Dict> = Handler<unknown, State>;

/** The props of a page component (and of `_404` and `_500`). */
export interface PageProps<Data = unknown, State = Dict> {
  url: URL;
  params: Record<string, string>;
  route: string;
  data: Data;
  state: State;
  /** Set for `_500`: what was thrown. */
  error?: unknown;
}

/** The props of `routes/_app.tsx`: `Component` renders the page. */
export interface AppProps<State = Dict> extends PageProps<unknown, State> {
  Component: ComponentType;
}

/** Per-route options, exported as `config` from a route module. */
export interface RouteConfig {
  /** A URL pattern to use instead of the one the file name gives. */
  routeOverride?: string;
  /** Render the page without `_app`. */
  skipAppWrapper?: boolean;
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

/** What `ctx.render()` gives a plugin's `render` hook. */
export interface PluginRenderFunctionResult {
  /** The rendered body (the whole document when `_app` renders `<html>`). */
  htmlText: string;
  requiresHydration: boolean;
  /**
   * Not in Fresh: on a page with islands, the text of every island bundle
   * file ("" otherwise), to see the classes only the browser adds.
   */
  islandCode: string;
}

/** A plugin's `render` hook: it calls `ctx.render()` once, then adds styles. */
export interface PluginRenderContext {
  render(): PluginRenderFunctionResult;
}

/** What a plugin's `render` hook adds to the page's head. */
export interface PluginRenderResult {
  styles?: PluginRenderStyleTag[];
}

/** A route a plugin adds; `path` is a URL pattern. */
export interface PluginRoute {
  path: string;
  component?: ComponentType<PageProps>;
  handler?: Handler | Handlers;
}

/** A middleware a plugin adds for every path under `path`. */
export interface PluginMiddleware<State = Dict> {
  path: string;
  middleware: {
    handler: MiddlewareHandler<State> | MiddlewareHandler<State>[];
  };
}

/** A Fresh plugin: a name and any of these hooks. */
export interface Plugin<State = Dict> {
  name: string;
  render?(ctx: PluginRenderContext): PluginRenderResult;
  routes?: PluginRoute[];
  middlewares?: PluginMiddleware<State>[];
  /**
   * Not in Fresh: awaited on SIGINT/SIGTERM, before the server stops
   * listening (every plugin's, errors logged), e.g. to answer held requests.
   */
  shutdown?(): void | Promise<void>;
}

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
}

/** The app's configuration (`fresh.config.ts`). */
export interface FreshConfig {
  plugins?: Plugin[];
  server?: ServerOptions;
  /** Keep trailing slashes instead of redirecting `/a/` to `/a`. */
  router?: { trailingSlash?: boolean };
}
