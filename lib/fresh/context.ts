import type { Page } from "./routes.ts";
import type {
  DestinationKind,
  FreshContext,
  MiddlewareHandler,
  RenderOptions,
  ResolvedFreshConfig,
} from "./types.ts";

/** The search parameter client navigation adds when it asks for partials. */
export const PARTIAL_PARAM = "fresh-partial";

/** What a request context needs from the app it belongs to. */
export interface AppCore {
  config: ResolvedFreshConfig;
  /** Renders `page` (inside its layouts and `_app`) for `ctx`. */
  render(
    page: Page,
    ctx: RequestContext,
    status: number,
    options?: RenderOptions,
  ): Promise<Response>;
  /** Answers with `_404`. */
  notFound(ctx: RequestContext): Promise<Response>;
  /** What runs after the last middleware: the route, a file or `_404`. */
  destination(ctx: RequestContext): Promise<Response>;
}

const NOTHING = () => null;

/**
 * The one object a request gets: `ctx` for every middleware, handler and
 * async component. Its methods live on the prototype, so that a request
 * allocates nothing else for them.
 */
export class RequestContext implements FreshContext {
  state: Record<string, unknown> = {};
  data: unknown = undefined;
  error?: unknown = undefined;
  codeFrame?: unknown = undefined;
  Component = NOTHING as FreshContext["Component"];
  localAddr?: Deno.NetAddr;
  remoteAddr: Deno.NetAddr;
  #core: AppCore;
  #middlewares: MiddlewareHandler[];
  #next = 0;
  /** What `render()` renders, and with which status. */
  page: Page | undefined;
  status = 200;

  constructor(
    core: AppCore,
    readonly req: Request,
    readonly url: URL,
    info: { remoteAddr: Deno.NetAddr; localAddr?: Deno.NetAddr },
    public route: string,
    public params: Record<string, string>,
    public destination: DestinationKind,
    middlewares: MiddlewareHandler[],
    page: Page | undefined,
  ) {
    this.#core = core;
    this.remoteAddr = info.remoteAddr;
    if (info.localAddr) this.localAddr = info.localAddr;
    this.#middlewares = middlewares;
    this.page = page;
  }

  get config(): ResolvedFreshConfig {
    return this.#core.config;
  }

  get basePath(): string {
    return this.#core.config.basePath;
  }

  get pattern(): string {
    return this.route;
  }

  get isPartial(): boolean {
    return this.url.searchParams.has(PARTIAL_PARAM);
  }

  next(): Promise<Response> {
    try {
      const middleware = this.#middlewares[this.#next++];
      if (middleware) return Promise.resolve(middleware(this.req, this));
      return this.#core.destination(this);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  render(data?: unknown, options?: RenderOptions): Promise<Response> {
    this.data = data;
    if (!this.page) return this.#core.notFound(this);
    return this.#core.render(this.page, this, this.status, options);
  }

  renderNotFound(data?: unknown): Promise<Response> {
    this.data = data;
    return this.#core.notFound(this);
  }

  redirect(path: string, status = 302): Response {
    // Collapse leading slashes: "//host/" must not leave the site.
    const location = path.startsWith("/") ? path.replace(/^\/+/, "/") : path;
    return new Response(null, { status, headers: { location } });
  }
}
