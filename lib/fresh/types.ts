import type { ComponentType } from "preact";

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
  statusText?: string;
  headers?: HeadersInit;
}

/** What a handler or middleware learns about the request, and what it can do next. */
export interface FreshContext<
  State = Record<string, unknown>,
  Data = unknown,
> {
  req: Request;
  url: URL;
  /** Values of the route's dynamic segments, decoded. */
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

/** Answers a request for one route (or one method of it). */
export type Handler<Data = unknown, State = Record<string, unknown>> = (
  req: Request,
  ctx: FreshContext<State, Data>,
) => Response | Promise<Response>;

/** Handlers keyed by method; a missing HEAD falls back to GET. */
export type Handlers<Data = unknown, State = Record<string, unknown>> = {
  [M in KnownMethod]?: Handler<Data, State>;
};

/** A `_middleware.ts` handler: calls `ctx.next()` to go on. */
export type MiddlewareHandler<State = Record<string, unknown>> = (
  req: Request,
  ctx: FreshContext<State>,
) => Response | Promise<Response>;

/** The props of a page component. */
export interface PageProps<Data = unknown, State = Record<string, unknown>> {
  url: URL;
  params: Record<string, string>;
  route: string;
  data: Data;
  state: State;
  /** Set for `_500` pages: what was thrown. */
  error?: unknown;
}

/** The props of `routes/_app.tsx`: `Component` renders the page. */
export interface AppProps<State = Record<string, unknown>>
  extends PageProps<unknown, State> {
  Component: ComponentType;
}

/** The props of `routes/_500.tsx`. */
export type ErrorPageProps = PageProps & { error: unknown };

/** Per-route options, exported as `config` from a route module. */
export interface RouteConfig {
  /** A URL pattern used instead of the one derived from the file name. */
  routeOverride?: string;
  /** Render the page without `_app`. */
  skipAppWrapper?: boolean;
}

/** A route module as the manifest holds it; narrowed when loaded. */
export type RouteModule = Record<string, unknown>;

/** `fresh.gen.ts`: every route and island module, imported statically. */
export interface Manifest {
  routes: Record<string, RouteModule>;
  islands: Record<string, RouteModule>;
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
  /** The rendered page body (or whole document when `_app` renders `<html>`). */
  htmlText: string;
  /** True when the page has islands. */
  requiresHydration: boolean;
  /**
   * Not in Fresh: the text of every island bundle file when the page has
   * islands ("" otherwise), so a plugin can see class names that only the
   * browser adds.
   */
  islandCode: string;
}

/** The argument of a plugin's `render` hook; it must call `render()` once. */
export interface PluginRenderContext {
  render(): PluginRenderFunctionResult;
}

/** What a plugin's `render` hook adds to the page. */
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
export interface PluginMiddleware<State = Record<string, unknown>> {
  path: string;
  middleware: {
    handler: MiddlewareHandler<State> | MiddlewareHandler<State>[];
  };
}

/** A Fresh plugin: a name plus any of the hooks below. */
export interface Plugin<State = Record<string, unknown>> {
  name: string;
  render?(ctx: PluginRenderContext): PluginRenderResult;
  routes?: PluginRoute[];
  middlewares?: PluginMiddleware<State>[];
  /**
   * Not in Fresh: awaited on SIGINT/SIGTERM before the server stops
   * listening (every plugin's, errors logged), e.g. to answer held requests.
   */
  shutdown?(): void | Promise<void>;
}

/** Options of `Deno.serve` that `start()` honours; they win over PORT/HOSTNAME. */
export interface ServerOptions {
  port?: number;
  hostname?: string;
  signal?: AbortSignal;
  onListen?: (addr: Deno.NetAddr) => void;
}

/** The app's configuration (`fresh.config.ts`). */
export interface FreshConfig {
  plugins?: Plugin[];
  server?: ServerOptions;
  /** Keep trailing slashes instead of redirecting `/a/` to `/a`. */
  router?: { trailingSlash?: boolean };
}
