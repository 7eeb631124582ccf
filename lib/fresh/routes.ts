import type { ComponentType } from "preact";
import {
  compareRoutePatterns,
  middlewarePattern,
  routePattern,
  stripExtension,
} from "./route_paths.ts";
import type {
  AppProps,
  Handler,
  Handlers,
  Manifest,
  MiddlewareHandler,
  PageProps,
  Plugin,
  RouteConfig,
  RouteModule,
} from "./types.ts";

/** A page or API route, ready to match. */
export interface Route {
  pattern: string;
  matcher: URLPattern;
  component?: ComponentType<PageProps>;
  handler?: Handler | Handlers;
  skipApp: boolean;
}

/** The middlewares that apply under one URL prefix. */
export interface Middleware {
  matcher: URLPattern;
  depth: number;
  handlers: MiddlewareHandler[];
}

/** Everything the manifest and plugins declare, sorted for matching. */
export interface RouteTable {
  routes: Route[];
  middlewares: Middleware[];
  app?: ComponentType<AppProps>;
  notFound?: Route;
  error?: Route;
}

function component(mod: RouteModule): ComponentType<PageProps> | undefined {
  return typeof mod.default === "function"
    ? mod.default as ComponentType<PageProps>
    : undefined;
}

function handler(
  mod: RouteModule,
  key: string,
): Handler | Handlers | undefined {
  const h = mod.handler;
  if (h === undefined || typeof h === "function") return h as Handler;
  if (typeof h === "object" && h !== null) return h as Handlers;
  throw new TypeError(`${key}: handler must be a function or an object`);
}

function route(
  pattern: string,
  mod: RouteModule,
  key: string,
): Route {
  const config = (mod.config ?? {}) as RouteConfig;
  const path = config.routeOverride ?? pattern;
  return {
    pattern: path,
    matcher: new URLPattern({ pathname: path }),
    component: component(mod),
    handler: handler(mod, key),
    skipApp: config.skipAppWrapper === true,
  };
}

function middleware(dir: string, handlers: unknown): Middleware {
  const list = (Array.isArray(handlers) ? handlers : [handlers]).filter((h) =>
    typeof h === "function"
  ) as MiddlewareHandler[];
  return {
    matcher: new URLPattern({ pathname: middlewarePattern(dir) }),
    depth: dir === "" ? 0 : dir.split("/").length,
    handlers: list,
  };
}

/** Builds the route table from `fresh.gen.ts` and the plugins' routes and middlewares. */
export function buildRouteTable(
  manifest: Manifest,
  plugins: Plugin[],
): RouteTable {
  const table: RouteTable = { routes: [], middlewares: [] };
  for (const [key, mod] of Object.entries(manifest.routes)) {
    const file = stripExtension(key.replace(/^\.\/routes\//, ""));
    const slash = file.lastIndexOf("/");
    const dir = file.slice(0, Math.max(slash, 0));
    const name = file.slice(slash + 1);
    if (name === "_middleware") {
      table.middlewares.push(middleware(dir, mod.handler));
    } else if (name === "_app" && dir === "") {
      table.app = component(mod) as ComponentType<AppProps>;
    } else if (name === "_404" && dir === "") {
      table.notFound = route("/", mod, key);
    } else if (name === "_500" && dir === "") {
      table.error = route("/", mod, key);
    } else if (!name.startsWith("_")) {
      table.routes.push(route(routePattern(file), mod, key));
    }
  }
  for (const plugin of plugins) {
    for (const r of plugin.routes ?? []) {
      table.routes.push(route(r.path, { ...r, default: r.component }, r.path));
    }
    for (const m of plugin.middlewares ?? []) {
      const dir = m.path.replace(/^\/+|\/+$/g, "");
      table.middlewares.push(middleware(dir, m.middleware.handler));
    }
  }
  table.routes.sort((a, b) => compareRoutePatterns(a.pattern, b.pattern));
  // Outer directories run first; sort() is stable, so plugins follow files.
  table.middlewares.sort((a, b) => a.depth - b.depth);
  return table;
}

/** Methods a route answers, for the 405 `Allow` header. */
export function allowedMethods(route: Route): string[] {
  const methods = typeof route.handler === "object"
    ? Object.keys(route.handler)
    : [];
  if (route.component && !methods.includes("GET")) methods.push("GET");
  if (methods.includes("GET") && !methods.includes("HEAD")) {
    methods.push("HEAD");
  }
  return methods;
}
