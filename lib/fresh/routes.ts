import {
  appliesTo,
  baseRoute,
  compareRoutePatterns,
  encodePathname,
  isExactPattern,
  routePattern,
  stripExtension,
  withRouterOptions,
} from "./route_paths.ts";
import { checkRouteModule, knownMethods } from "./route_checks.ts";
import type {
  Handler,
  KnownMethod,
  Manifest,
  MiddlewareHandler,
  Plugin,
} from "./types.ts";

type Module = Record<string, unknown>;

/** Something that renders a page: a route, `_404` or `_500`. */
export interface Page {
  /** Where it comes from, for messages: "routes/blog/[slug].tsx". */
  file: string;
  pattern: string;
  component?: unknown;
  /** `_app` (unless skipped) and the layouts around the page, outermost first. */
  wrappers: unknown[];
  csp: boolean;
  /** The module's `handler`: a function, or handlers by method. */
  handler?: Handler | Partial<Record<KnownMethod, Handler>>;
}

/** A page or API route, ready to match. */
export interface Route extends Page {
  /** null for a pattern that matches one path only. */
  matcher: URLPattern | null;
  /** The middlewares that run before it, outermost first. */
  middlewares: MiddlewareHandler[];
  /** The methods it answers, for `Allow`. */
  allow: string;
}

/** Everything the manifest and plugins declare, sorted for matching. */
export interface RouteTable {
  /**
   * Routes without parameters, by exact (percent-encoded) path. They win
   * over any pattern, and a Map lookup costs a fraction of a URLPattern
   * match (which dominated the time of a small API request).
   */
  exact: Map<string, Route>;
  /** The routes with parameters, in matching order. */
  patterns: Route[];
  notFound: Page;
  error: Page;
  /** The middlewares of the root directory (for unknown paths and bundles). */
  rootMiddlewares: MiddlewareHandler[];
  /** The middlewares for a static file at `path`. */
  staticMiddlewares(path: string): MiddlewareHandler[];
}

interface Layout {
  base: string;
  component: unknown;
  skipApp: boolean;
  skipInherited: boolean;
}

interface MiddlewareEntry {
  base: string;
  handlers: MiddlewareHandler[];
}

interface Entry {
  /** Path relative to `routes/`, extension dropped: "blog/[slug]". */
  path: string;
  file: string;
  mod: Module;
}

/** The options routing is built with. */
export interface RouteOptions {
  basePath: string;
  trailingSlash: boolean;
}

// A plugin's routes and middlewares count as files under routes/, as in Fresh.
function entries(manifest: Manifest, plugins: Plugin[]): Entry[] {
  const list: Entry[] = Object.entries(manifest.routes).map(([key, mod]) => ({
    path: stripExtension(key.replace(/^\.\/routes\//, "")),
    file: key.replace(/^\.\//, ""),
    mod,
  }));
  for (const plugin of plugins) {
    for (const m of plugin.middlewares ?? []) {
      const dir = m.path.replace(/^\/+|\/+$/g, "");
      list.push({
        path: dir ? `${dir}/_middleware` : "_middleware",
        file: `plugin ${plugin.name} (middleware ${m.path})`,
        mod: m.middleware as unknown as Module,
      });
    }
    for (const r of plugin.routes ?? []) {
      list.push({
        path: r.path.replace(/^\/+/, ""),
        file: `plugin ${plugin.name} (route ${r.path})`,
        mod: { default: r.component, handler: r.handler },
      });
    }
  }
  return list;
}

function handlerOf(mod: Module): Page["handler"] {
  const h = mod.handler;
  if (typeof h === "function" || h === undefined) return h as Handler;
  // No prototype: a request method such as "toString" finds nothing.
  const methods: Partial<Record<KnownMethod, Handler>> = Object.create(null);
  for (const method of knownMethods) {
    const fn = (h as Module)[method];
    if (typeof fn === "function") methods[method] = fn as Handler;
  }
  return methods;
}

function allowOf(page: Page): string {
  const methods = typeof page.handler === "object"
    ? Object.keys(page.handler)
    : [];
  if (page.component && !methods.includes("GET")) methods.push("GET");
  if (methods.includes("GET") && !methods.includes("HEAD")) {
    methods.push("HEAD");
  }
  return methods.join(", ");
}

/**
 * The layouts that wrap a page of directory `base`, as Fresh picks them: all
 * of its directories' unless the page skips them, from the innermost layout
 * that skips inherited ones; `_app` unless the page or a layout skips it.
 */
function wrappersOf(
  base: string,
  config: { skipInheritedLayouts?: boolean; skipAppWrapper?: boolean },
  layouts: Layout[],
  app: unknown,
): unknown[] {
  let chosen = config.skipInheritedLayouts
    ? []
    : layouts.filter((l) => appliesTo(l.base, base));
  const root = chosen.findLastIndex((l) => l.skipInherited);
  if (root > 0) chosen = chosen.slice(root);
  const useApp = app !== undefined && !config.skipAppWrapper &&
    chosen.every((l) => !l.skipApp);
  return [...useApp ? [app] : [], ...chosen.map((l) => l.component)];
}

/** Builds the route table from `fresh.gen.ts` and the plugins' routes and middlewares. */
export function buildRouteTable(
  manifest: Manifest,
  plugins: Plugin[],
  options: RouteOptions,
): RouteTable {
  const layouts: Layout[] = [];
  const middlewares: MiddlewareEntry[] = [];
  const pages: (Page & { base: string; config: Module })[] = [];
  let app: unknown;
  let notFound: Entry | undefined;
  let error: Entry | undefined;
  for (const entry of entries(manifest, plugins)) {
    const { path, file, mod } = entry;
    const name = path.slice(path.lastIndexOf("/") + 1);
    const root = !path.includes("/");
    const config = (mod.config ?? {}) as Module;
    if (name === "_middleware") {
      const handlers = [mod.handler].flat().filter((h) =>
        typeof h === "function"
      ) as MiddlewareHandler[];
      middlewares.push({ base: baseRoute(path), handlers });
    } else if (name === "_layout") {
      checkRouteModule(file, mod, "layout");
      layouts.push({
        base: baseRoute(path),
        component: mod.default,
        skipApp: config.skipAppWrapper === true,
        skipInherited: config.skipInheritedLayouts === true,
      });
    } else if (root && name === "_app") {
      checkRouteModule(file, mod, "app");
      app = mod.default;
    } else if (root && name === "_404") {
      checkRouteModule(file, mod, "page");
      notFound = entry;
    } else if (root && name === "_500") {
      checkRouteModule(file, mod, "page");
      error = entry;
    } else if (!(root && name.startsWith("_"))) {
      checkRouteModule(file, mod, "page");
      const override = config.routeOverride;
      pages.push({
        file,
        pattern: withRouterOptions(
          typeof override === "string" ? override : routePattern(path),
          options.basePath,
          options.trailingSlash,
        ),
        component: mod.default,
        wrappers: [],
        csp: config.csp === true,
        handler: handlerOf(mod),
        base: baseRoute(path),
        config,
      });
    }
  }
  const depth = (base: string) => base === "/" ? 0 : base.split("/").length;
  // Outer directories first; sort() is stable, so plugins follow files.
  layouts.sort((a, b) => depth(a.base) - depth(b.base));
  middlewares.sort((a, b) => depth(a.base) - depth(b.base));
  const middlewaresFor = (base: string) =>
    middlewares.filter((m) => appliesTo(m.base, base)).flatMap((m) =>
      m.handlers
    );

  const special = (entry: Entry | undefined, name: string): Page => {
    const config = (entry?.mod.config ?? {}) as Module;
    return {
      file: entry?.file ?? `routes/${name}`,
      pattern: withRouterOptions("/", options.basePath, false),
      component: entry?.mod.default,
      wrappers: wrappersOf("/", config, layouts, app),
      csp: config.csp === true,
      handler: entry ? handlerOf(entry.mod) : undefined,
    };
  };

  const routes: Route[] = pages.map(({ base, config, ...page }) => {
    const route: Route = {
      ...page,
      wrappers: wrappersOf(base, config, layouts, app),
      matcher: isExactPattern(page.pattern)
        ? null
        : new URLPattern({ pathname: page.pattern }),
      middlewares: middlewaresFor(base),
      allow: "",
    };
    route.allow = allowOf(route);
    return route;
  });
  routes.sort((a, b) => compareRoutePatterns(a.pattern, b.pattern));
  const exact = new Map<string, Route>();
  const patterns: Route[] = [];
  for (const r of routes) {
    if (!r.matcher) {
      const key = encodePathname(r.pattern);
      if (!exact.has(key)) exact.set(key, r);
    } else patterns.push(r);
  }
  const staticCache = new Map<string, MiddlewareHandler[]>();
  return {
    exact,
    patterns,
    notFound: special(notFound, "_404"),
    error: special(error, "_500"),
    rootMiddlewares: middlewaresFor("/"),
    staticMiddlewares(path) {
      const dir = path.slice(0, path.lastIndexOf("/")) || "/";
      let found = staticCache.get(dir);
      if (!found) staticCache.set(dir, found = middlewaresFor(dir));
      return found;
    },
  };
}
