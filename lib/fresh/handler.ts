import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ComponentType } from "preact";
import { bundleIslands, type IslandBundle, readBuild } from "./bundle.ts";
import { internal } from "./internal.ts";
import {
  assembleDocument,
  type Island,
  islandScript,
  pluginStyles,
  renderPage,
  styleTags,
} from "./render.ts";
import { allowedMethods, buildRouteTable, type Route } from "./routes.ts";
import { listStaticFiles, serveStaticFile } from "./static_files.ts";
import type {
  FreshConfig,
  FreshContext,
  Handlers,
  Manifest,
  PageProps,
  RenderOptions,
} from "./types.ts";

/** What `Deno.serve` calls for each request. */
export type ServeHandler = (
  req: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
) => Promise<Response>;

const JS_PREFIX = "/_frsh/js/";
const IMMUTABLE = "public, max-age=31536000, immutable";

function islandsOf(manifest: Manifest): Map<unknown, Island> {
  const islands = new Map<unknown, Island>();
  Object.keys(manifest.islands).sort().forEach((key, module) => {
    for (const [exportName, value] of Object.entries(manifest.islands[key])) {
      if (typeof value === "function") {
        islands.set(value, {
          module,
          exportName,
          component: value as ComponentType,
        });
      }
    }
  });
  return islands;
}

function withoutBody(res: Response): Response {
  res.body?.cancel();
  return new Response(null, res);
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
  const build = internal.dev ? null : await readBuild(appDir, islandKeys);
  const buildId = build?.buildId ?? Deno.env.get("DENO_DEPLOYMENT_ID") ??
    crypto.randomUUID();
  internal.buildId = buildId;
  const jsBase = `${JS_PREFIX}${buildId}/`;

  // Without a build, bundle once, on first need; a failure is retried later.
  let bundle: Promise<IslandBundle> | null = build
    ? Promise.resolve(build.bundle)
    : null;
  const getBundle = () =>
    bundle ??= bundleIslands(appDir, islandKeys).catch((error) => {
      bundle = null;
      throw error;
    });
  let islandCode: string | null = null;

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
    const props: PageProps = {
      url: ctx.url,
      params: ctx.params,
      route: ctx.route,
      data,
      state: ctx.state,
      error: ctx.error,
    };
    const page = renderPage(
      route.component,
      props,
      route.skipApp ? undefined : table.app,
      islands,
    );
    let script = "";
    if (page.islands.length > 0) {
      const b = await getBundle();
      islandCode ??= [...b.files.values()].map((f) =>
        new TextDecoder().decode(f)
      )
        .join("\n");
      script = islandScript(page.islands, {
        runtime: jsBase + b.runtime,
        modules: islandKeys.map((k) => jsBase + b.entries[k]),
      }, buildId);
    }
    const styles = pluginStyles(plugins, {
      htmlText: page.html,
      requiresHydration: page.islands.length > 0,
      islandCode: page.islands.length > 0 ? islandCode ?? "" : "",
    });
    const html = assembleDocument(
      page.html,
      page.head + styleTags(styles),
      script,
    );
    const headers = new Headers(options.headers);
    if (!headers.has("content-type")) {
      headers.set("content-type", "text/html; charset=utf-8");
    }
    return new Response(html, {
      status: options.status ?? status,
      statusText: options.statusText,
      headers,
    });
  }

  async function runRoute(
    route: Route,
    req: Request,
    ctx: FreshContext,
  ): Promise<Response> {
    const h = route.handler;
    if (typeof h === "function") return await h(req, ctx);
    const method = req.method as keyof Handlers;
    const fn = h?.[method] ?? (method === "HEAD" ? h?.GET : undefined);
    if (fn) return await fn(req, ctx);
    if (route.component && (method === "GET" || method === "HEAD")) {
      return await ctx.render();
    }
    return new Response("Method Not Allowed", {
      status: 405,
      headers: { allow: allowedMethods(route).join(", ") },
    });
  }

  function notFound(ctx: FreshContext, data?: unknown): Promise<Response> {
    if (!table.notFound?.component) {
      return Promise.resolve(new Response("Not Found", { status: 404 }));
    }
    return render(table.notFound, ctx, data, {}, 404);
  }

  async function serveJs(path: string): Promise<Response> {
    const file = path.startsWith(jsBase)
      ? (await getBundle()).files.get(path.slice(jsBase.length))
      : undefined;
    if (!file) return new Response("Not Found", { status: 404 });
    return new Response(file, {
      headers: {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": IMMUTABLE,
      },
    });
  }

  return async function handle(req, info) {
    const url = new URL(req.url);
    const path = url.pathname;
    if (
      path.length > 1 && path.endsWith("/") && !config.router?.trailingSlash
    ) {
      // Collapse leading slashes too: "//host/" must not redirect off-site.
      const to = "/" + path.replace(/^\/+|\/+$/g, "");
      return new Response(null, {
        status: 307,
        headers: { location: to + url.search },
      });
    }
    const read = req.method === "GET" || req.method === "HEAD";
    const staticFile = read ? statics.get(safeDecode(path)) : undefined;
    let route: Route | undefined;
    let params: Record<string, string> = {};
    if (!staticFile && !path.startsWith(JS_PREFIX)) {
      for (const r of table.routes) {
        const match = r.matcher.exec({ pathname: path });
        if (match) {
          route = r;
          params = decodeParams(match.pathname.groups);
          break;
        }
      }
    }
    const middlewares = table.middlewares
      .filter((m) => m.matcher.test({ pathname: path }))
      .flatMap((m) => m.handlers);
    let next = 0;
    const ctx: FreshContext = {
      req,
      url,
      params,
      state: {},
      route: route?.pattern ?? "",
      destination: path.startsWith(JS_PREFIX)
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
        const mw = middlewares[next++];
        if (mw) return Promise.resolve(mw(req, ctx));
        if (ctx.destination === "internal") return serveJs(path);
        if (staticFile) return serveStaticFile(req, staticFile, buildId);
        if (route) return runRoute(route, req, ctx);
        if (table.notFound?.handler) {
          ctx.render = (data, options) =>
            render(table.notFound!, ctx, data, options, 404);
          return runRoute(table.notFound, req, ctx);
        }
        return notFound(ctx);
      },
    };
    let res: Response;
    try {
      res = await ctx.next();
    } catch (error) {
      res = await renderError(ctx, error);
    }
    return req.method === "HEAD" ? withoutBody(res) : res;
  };

  async function renderError(
    ctx: FreshContext,
    error: unknown,
  ): Promise<Response> {
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
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function decodeParams(
  groups: Record<string, string | undefined>,
): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(groups)) {
    if (v !== undefined) params[k] = safeDecode(v);
  }
  return params;
}
