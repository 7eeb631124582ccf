/**
 * `define*` helpers of Fresh: each returns its argument unchanged and only
 * gives it a type, so that `(req, ctx)` need no annotations. A function
 * given to one is called as `(req, ctx)` even when it is not async.
 */
import type { ComponentChildren } from "preact";
import type { FreshConfig, FreshContext, RouteContext } from "./types.ts";

type Dict = Record<string, unknown>;

/** Functions given to `defineRoute`/`defineLayout`/`defineApp`: called as `(req, ctx)`. */
export const requestStyle = new WeakSet<object>();
type Rendered = ComponentChildren | Response;

/** Types `fresh.config.ts`; returns `config` as is. */
export function defineConfig(config: FreshConfig): FreshConfig {
  return config;
}

/** Types an (async) route component; returns `fn` as is. */
export function defineRoute<T = Dict>(
  fn: (
    req: Request,
    ctx: RouteContext<void, T>,
  ) => Rendered | Promise<Rendered>,
): typeof fn {
  requestStyle.add(fn);
  return fn;
}

/** Types an (async) layout; `ctx.Component` renders what it wraps. */
export function defineLayout<T = Dict>(
  fn: (
    req: Request,
    ctx: FreshContext<T, void>,
  ) => Rendered | Promise<Rendered>,
): typeof fn {
  requestStyle.add(fn);
  return fn;
}

/** Types an (async) `_app`; `ctx.Component` renders the page. */
export function defineApp<T = Dict>(
  fn: (
    req: Request,
    ctx: FreshContext<T, void>,
  ) => Rendered | Promise<Rendered>,
): typeof fn {
  requestStyle.add(fn);
  return fn;
}
