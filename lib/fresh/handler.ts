import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ComponentType } from "preact";
import { bundleIslands, readBuild } from "./bundle.ts";
import { acceptsGzip, gzipOnce } from "./compress.ts";
import { internal } from "./internal.ts";
import {
  assembleDocument,
  type Island,
  islandScript,
  pluginStyles,
  renderPage,
} from "./render.ts";
import { allowedMethods, buildRouteTable, type Route } from "./routes.ts";
import { listStaticFiles, serveStaticFile } from "./static_files.ts";
import type {
  FreshConfig,
  FreshContext,
  Handlers,
  Manifest,
  RenderOptions,
} from "./types.ts";

/** What `Deno.serve` calls for each request. */
export type ServeHandler = (
  req: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
) => Promise<Response>;

const JS_PREFIX = "/_frsh/js/";

function islandsOf(manifest: Manifest): Map<unknown, Island> {
  const islands = new Map<unknown, Island>();
  Object.keys(manifest.islands).sort().forEach((key, module) => {
    for (const [exportName, value] of Object.entries(manifest.islands[key])) {
      if (typeof value !== "function") continue;
      const component = value as ComponentType;
      islands.set(value, { module, exportName, component });
    }
  });
  return islands;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Builds the request handler of an app from its manifest and config: static
 * files, island bundles, middlewares and routes.
 */
export async function createHandler(
  manifest: Manifest,
  config: FreshConfig = {},
): Promise<ServeHandler> {
  const plugins = config.plugins ?? [];
  const table = buildRouteTable(manifest, plugins);
  const appDir = fileURLToPath(new URL(".", manifest.baseUrl));
  const statics = await listStaticFiles(join(appDir, "static"));
  const islands = islandsOf(manifest);
  const islandKeys = Object.keys(manifest.islands).sort();
  const built = internal.dev ? null : await readBuild(appDir, islandKeys);
  const buildId = built?.buildId ?? Deno.env.get("DENO_DEPLOYMENT_ID") ??
    crypto.randomUUID().slice(0, 8);
  internal.buildId = buildId;
  const jsBase = `${JS_PREFIX}${buildId}/`;

  // Without a build, bundle once, on first need; a failure is retried later.
  let bundle = built ? Promise.resolve(built) : null;
  const getBundle = () =>
    bundle ??= bundleIslands(appDir, islandKeys, buildId).catch((error) => {
      bundle = null;
      throw error;
    });
  let islandCode: string | undefined;

  async function render(
    route: Route,
    ctx: FreshContext,
    data: unknown,
    options: RenderOptions = {},
    status = 200,
  ): Promise<Response> {
    if (!route.component) {
      throw new Error(`route ${route.pattern} has no page component to render`);
    }
    const { url, params, state, error } = ctx;
    const props = { url, params, route: ctx.route, data, state, error };
    const app = route.skipApp ? undefined : table.app;
    const page = renderPage(route.component, props, app, islands);
    let script = "";
    if (page.islands.length > 0) {
      const b = await getBundle();
      islandCode ??= [...b.files.values()].join("\n");
      const modules = islandKeys.map((key) => jsBase + b.entries[key]);
      script = islandScript(page.islands, jsBase + b.runtime, modules, buildId);
    }
    const styles = pluginStyles(plugins, {
      htmlText: page.html,
      requiresHydration: script !== "",
      islandCode: script !== "" ? islandCode ?? "" : "",
    });
    const headers = new Headers(options.headers);
    if (!headers.has("content-type")) {
      headers.set("content-type", "text/html; charset=utf-8");
    }
    return new Response(
      assembleDocument(page.html, page.head + styles, script),
      { status: options.status ?? status, headers },
    );
  }

  // Not async: a held request keeps no suspended frame of ours alive.
  function runRoute(
    route: Route,
    req: Request,
    ctx: FreshContext,
  ): Promise<Response> {
    const h = route.handler;
    if (typeof h === "function") return Promise.resolve(h(req, ctx));
    const method = req.method as keyof Handlers;
    const fn = h?.[method] ?? (method === "HEAD" ? h?.GET : undefined);
    if (fn) return Promise.resolve(fn(req, ctx));
    if (route.component && (method === "GET" || method === "HEAD")) {
      return ctx.render();
    }
    const allow = allowedMethods(route).join(", ");
    return Promise.resolve(
      new Response("Method Not Allowed", { status: 405, headers: { allow } }),
    );
  }

  function notFound(ctx: FreshContext, data?: unknown): Promise<Response> {
    if (!table.notFound?.component) {
      return Promise.resolve(new Response("Not Found", { status: 404 }));
    }
    return render(table.notFound, ctx, data, {}, 404);
  }

  async function serveJs(req: Request, path: string): Promise<Response> {
    const file = path.startsWith(jsBase)
      ? (await getBundle()).files.get(path.slice(jsBase.length))
      : undefined;
    if (file === undefined) return new Response("Not Found", { status: 404 });
    const headers: Record<string, string> = {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=31536000, immutable",
      vary: "accept-encoding",
    };
    if (!acceptsGzip(req)) return new Response(file, { headers });
    headers["content-encoding"] = "gzip";
    return new Response(await gzipOnce(path, file), { headers });
  }

  async function renderError(ctx: FreshContext, error: unknown) {
    console.error(`error: ${ctx.req.method} ${ctx.url.pathname}:`, error);
    if (table.error?.component) {
      try {
        ctx.error = error;
        return await render(table.error, ctx, undefined, {}, 500);
      } catch (again) {
        console.error("error: _500 failed too:", again);
      }
    }
    return new Response("Internal Server Error", { status: 500 });
  }

  // When every middleware sits at the root, every request runs the same chain.
  const rootMiddlewares = table.middlewares.every((m) => m.depth === 0)
    ? table.middlewares.flatMap((m) => m.handlers)
    : undefined;

  return function handle(req, info) {
    const url = new URL(req.url);
    const path = url.pathname;
    if (
      path.length > 1 && path.endsWith("/") && !config.router?.trailingSlash
    ) {
      // Collapse leading slashes too: "//host/" must not redirect off-site.
      const location = "/" + path.replace(/^\/+|\/+$/g, "") + url.search;
      return Promise.resolve(
        new Response(null, { status: 307, headers: { location } }),
      );
    }
    const internalPath = path.startsWith(JS_PREFIX);
    const read = req.method === "GET" || req.method === "HEAD";
    const staticFile = read ? statics.get(decode(path)) : undefined;
    const params: Record<string, string> = {};
    let route = internalPath || staticFile ? undefined : table.exact.get(path);
    for (const r of internalPath || staticFile || route ? [] : table.patterns) {
      const match = r.matcher.exec({ pathname: path });
      if (!match) continue;
      route = r;
      for (const [k, v] of Object.entries(match.pathname.groups)) {
        if (v !== undefined) params[k] = decode(v);
      }
      break;
    }
    const middlewares = rootMiddlewares ?? table.middlewares
      .filter((m) => m.matcher.test({ pathname: path }))
      .flatMap((m) => m.handlers);
    let next = 0;
    const ctx: FreshContext = {
      req,
      url,
      params,
      state: {},
      route: route?.pattern ?? "",
      destination: internalPath
        ? "internal"
        : staticFile
        ? "static"
        : route
        ? "route"
        : "notFound",
      remoteAddr: info.remoteAddr,
      render: (data, options) =>
        route ? render(route, ctx, data, options) : notFound(ctx, data),
      renderNotFound: (data) => notFound(ctx, data),
      next: () => {
        const middleware = middlewares[next++];
        if (middleware) return Promise.resolve(middleware(req, ctx));
        if (internalPath) return serveJs(req, path);
        if (staticFile) return serveStaticFile(req, staticFile, buildId);
        if (route) return runRoute(route, req, ctx);
        const page = table.notFound;
        if (!page?.handler) return notFound(ctx);
        // A `_404` handler's ctx.render() renders `_404`, with status 404.
        ctx.render = (data, options) => render(page, ctx, data, options, 404);
        return runRoute(page, req, ctx);
      },
    };
    // Promise chains rather than awaits: a held request keeps no suspended
    // frame of the framework alive, only what its handler holds.
    let pending: Promise<Response>;
    try {
      pending = ctx.next();
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending = pending.catch((error) => renderError(ctx, error));
    if (req.method !== "HEAD") return pending;
    return pending.then(async (res) => {
      await res.body?.cancel();
      return new Response(null, res);
    });
  };
}
