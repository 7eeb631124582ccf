import { fileURLToPath } from "node:url";
import { createJsAssets, JS_PREFIX } from "./assets.ts";
import { codeFrame } from "./code_frame.ts";
import { resolveConfig } from "./config.ts";
import { type AppCore, RequestContext } from "./context.ts";
import { internal } from "./internal.ts";
import { collectIslands, entrypointKey, pluginEntrypoints } from "./islands.ts";
import { type PageRenderer, renderPage } from "./page_render.ts";
import { buildRouteTable, type Page, type Route } from "./routes.ts";
import { listStaticFiles, serveStaticFile } from "./static_files.ts";
import type {
  FreshConfig,
  Handler,
  KnownMethod,
  Manifest,
  ServeHandler,
  ServeHandlerInfo,
} from "./types.ts";

export type { ServeHandler };

// What Fresh assumes when the handler is called without connection info.
const DEFAULT_INFO: ServeHandlerInfo = {
  localAddr: { transport: "tcp", hostname: "localhost", port: 8080 },
  remoteAddr: { transport: "tcp", hostname: "localhost", port: 1234 },
};

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The answer of a route to a request, by method (405 with Allow when it has none). */
function runRoute(
  route: Route,
  req: Request,
  ctx: RequestContext,
): Promise<Response> {
  const h = route.handler;
  if (typeof h === "function") return Promise.resolve(h(req, ctx));
  const method = req.method as KnownMethod;
  const fn = h?.[method] ?? (method === "HEAD" ? h?.GET : undefined);
  if (fn) return Promise.resolve(fn(req, ctx));
  if (route.component && (method === "GET" || method === "HEAD")) {
    return ctx.render();
  }
  return Promise.resolve(
    new Response("Method Not Allowed", {
      status: 405,
      headers: { allow: route.allow },
    }),
  );
}

/**
 * Builds the request handler of an app from its manifest and config: static
 * files, browser code, middlewares, routes and pages. Anything of Fresh 1.7
 * the core does not support is refused here, before serving.
 */
export async function createHandler(
  manifest: Manifest,
  config: FreshConfig = {},
): Promise<ServeHandler> {
  const appDir = fileURLToPath(new URL(".", manifest.baseUrl));
  const resolved = await resolveConfig(config, appDir);
  const { plugins, basePath } = resolved;
  const trailingSlash = resolved.router?.trailingSlash === true;
  internal.basePath = basePath;
  const table = buildRouteTable(manifest, plugins, { basePath, trailingSlash });
  const statics = await listStaticFiles(resolved.staticDir);
  const islands = await collectIslands(manifest, plugins, appDir);
  const assets = await createJsAssets({
    outDir: resolved.build.outDir,
    entries: [...islands.entries, ...pluginEntrypoints(plugins)],
    dev: resolved.dev,
    basePath,
  });
  internal.buildId = assets.buildId;
  const jsPrefix = basePath + JS_PREFIX;

  const renderer: PageRenderer = {
    plugins,
    renderFn: config.render,
    islands,
    entrypointKey(plugin, name) {
      if (!plugin.entrypoints?.[name]) {
        throw new Error(`plugin ${plugin.name} has no entrypoint "${name}"`);
      }
      return entrypointKey(plugin, name);
    },
    bundle: () => assets.bundle(),
    loadedBundle: () => assets.loaded(),
    hasIslands: islands.entries.length > 0,
    jsBase: assets.base,
    basePath,
    buildId: assets.buildId,
  };

  const core: AppCore = {
    config: resolved,
    render: (page, ctx, status, options) =>
      page.component
        ? renderPage(renderer, page, ctx, status, options)
        // ctx.render() for an unknown path, without a `_404` page.
        : page === table.notFound
        ? core.notFound(ctx)
        : Promise.reject(
          new Error(`${page.file} has no page component to render`),
        ),
    notFound(ctx) {
      const page = table.notFound;
      if (!page.component) {
        return Promise.resolve(new Response("Not Found", { status: 404 }));
      }
      return renderPage(renderer, page, ctx, 404);
    },
    destination(ctx) {
      const path = ctx.url.pathname;
      switch (ctx.destination) {
        case "internal":
          return assets.serve(ctx.req, path);
        case "static":
          return serveStaticFile(ctx.req, staticFile(path)!, assets.buildId);
        case "route":
          return runRoute(ctx.page as Route, ctx.req, ctx);
      }
      const handler = table.notFound.handler;
      if (typeof handler !== "function") return core.notFound(ctx);
      // A `_404` handler's ctx.render() renders `_404`, with status 404.
      return Promise.resolve((handler as Handler)(ctx.req, ctx));
    },
  };

  const staticFile = (path: string) =>
    path.startsWith(basePath)
      ? statics.get(decode(path.slice(basePath.length)))
      : undefined;

  async function renderError(ctx: RequestContext, error: unknown) {
    if (error instanceof Deno.errors.NotFound) {
      ctx.page = table.notFound;
      ctx.status = 404;
      return core.notFound(ctx);
    }
    console.error(`error: ${ctx.req.method} ${ctx.url.pathname}:`, error);
    const page: Page = table.error;
    ctx.error = error;
    if (resolved.dev) ctx.codeFrame = await codeFrame(error);
    ctx.page = page;
    ctx.status = 500;
    try {
      if (typeof page.handler === "function") {
        return await (page.handler as Handler)(ctx.req, ctx);
      }
      if (page.component) return await renderPage(renderer, page, ctx, 500);
    } catch (again) {
      console.error("error: _500 failed too:", again);
    }
    return new Response("Internal Server Error", { status: 500 });
  }

  return function handle(req, info = DEFAULT_INFO) {
    const url = new URL(req.url);
    const path = url.pathname;
    if (trailingSlash) {
      if (
        !path.endsWith("/") && !path.startsWith(jsPrefix) &&
        !path.slice(path.lastIndexOf("/")).includes(".")
      ) {
        url.pathname += "/";
        return Promise.resolve(Response.redirect(url, 308));
      }
    } else if (path.length > 1 && path.endsWith("/")) {
      // Collapse leading slashes too: "//host/" must not redirect off-site.
      const location = "/" + path.replace(/^\/+|\/+$/g, "") + url.search;
      return Promise.resolve(
        new Response(null, { status: 307, headers: { location } }),
      );
    }
    const internalPath = path.startsWith(jsPrefix);
    const read = req.method === "GET" || req.method === "HEAD";
    const file = read && !internalPath ? staticFile(path) : undefined;
    const params: Record<string, string> = {};
    let route = internalPath || file ? undefined : table.exact.get(path);
    for (const r of internalPath || file || route ? [] : table.patterns) {
      const match = r.matcher!.exec({ pathname: path });
      if (!match) continue;
      route = r;
      for (const [k, v] of Object.entries(match.pathname.groups)) {
        // An absent optional segment is "", as in Fresh.
        params[k] = v === undefined ? "" : decode(v);
      }
      break;
    }
    const ctx = new RequestContext(
      core,
      req,
      url,
      info,
      route?.pattern ?? "",
      params,
      internalPath
        ? "internal"
        : file
        ? "static"
        : route
        ? "route"
        : "notFound",
      route?.middlewares ??
        (file ? table.staticMiddlewares(path) : table.rootMiddlewares),
      route ?? table.notFound,
    );
    if (!route) ctx.status = 404;
    // Promise chains rather than awaits: a held request keeps no suspended
    // frame of the framework alive, only what its handler holds.
    let pending = ctx.next().catch((error) => renderError(ctx, error));
    if (req.method !== "HEAD") return pending;
    pending = pending.then(async (res) => {
      await res.body?.cancel();
      return new Response(null, res);
    });
    return pending;
  };
}
