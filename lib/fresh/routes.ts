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
  /**
   * Routes without parameters, by exact path. They win over any pattern
   * that matches the same path, and a Map lookup costs a fraction of a
   * URLPattern match (which dominated the time of a small API request).
   */
  exact: Map<string, Route>;
  /** The routes with parameters, in matching order. */
  patterns: Route[];
  middlewares: Middleware[];
  app?: ComponentType<AppProps>;
  notFound?: Route;
  error?: Route;
}

type Module = Record<string, unknown>;

function route(pattern: string, mod: Module): Route {
  const config = (mod.config ?? {}) as RouteConfig;
  const path = config.routeOverride ?? pattern;
  if (!["undefined", "function", "object"].includes(typeof mod.handler)) {
    throw new TypeError(`${path}: handler must be a function or an object`);
  }
  return {
    pattern: path,
    matcher: new URLPattern({ pathname: path }),
    component: typeof mod.default === "function"
      ? mod.default as ComponentType<PageProps>
      : undefined,
    handler: mod.handler as Handler | Handlers | undefined,
    skipApp: config.skipAppWrapper === true,
  };
}

function middleware(dir: string, handler: unknown): Middleware {
  return {
    matcher: new URLPattern({ pathname: middlewarePattern(dir) }),
    depth: dir === "" ? 0 : dir.split("/").length,
    handlers: [handler].flat().filter((h): h is MiddlewareHandler =>
      typeof h === "function"
    ),
  };
}

/** Builds the route table from `fresh.gen.ts` and the plugins' routes and middlewares. */
export function buildRouteTable(
  manifest: Manifest,
  plugins: Plugin[],
): RouteTable {
  const table: RouteTable = {
    routes: [],
    exact: new Map(),
    patterns: [],
    middlewares: [],
  };
  for (const [key, mod] of Object.entries(manifest.routes)) {
    const file = stripExtension(key.replace(/^\.\/routes\//, ""));
    const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "";
    const name = file.slice(file.lastIndexOf("/") + 1);
    if (name === "_middleware") {
      table.middlewares.push(middleware(dir, mod.handler));
    } else if (dir === "" && name === "_app") {
      table.app = route("/", mod).component as ComponentType<AppProps>;
    } else if (dir === "" && name === "_404") {
      table.notFound = route("/", mod);
    } else if (dir === "" && name === "_500") {
      table.error = route("/", mod);
    } else if (!name.startsWith("_")) {
      table.routes.push(route(routePattern(file), mod));
    }
  }
  for (const plugin of plugins) {
    for (const r of plugin.routes ?? []) {
      table.routes.push(route(r.path, { ...r, default: r.component }));
    }
    for (const m of plugin.middlewares ?? []) {
      const dir = m.path.replace(/^\/+|\/+$/g, "");
      table.middlewares.push(middleware(dir, m.middleware.handler));
    }
  }
  table.routes.sort((a, b) => compareRoutePatterns(a.pattern, b.pattern));
  for (const r of table.routes) {
    if (isExactPattern(r.pattern)) {
      if (!table.exact.has(r.pattern)) table.exact.set(r.pattern, r);
    } else table.patterns.push(r);
  }
  // Outer directories run first; sort() is stable, so plugins follow files.
  table.middlewares.sort((a, b) => a.depth - b.depth);
  return table;
}

/** True for a pattern that matches one path only, itself. */
function isExactPattern(pattern: string): boolean {
  return !/[:*?+(){}\\]/.test(pattern);
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
