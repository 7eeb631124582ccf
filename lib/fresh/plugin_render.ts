/**
 * Runs the plugins' render hooks around the page render, as Fresh nests
 * them: every `renderAsync` hook (in plugin order) around `config.render`
 * around every `render` hook around the render itself. Each hook must call
 * its render function once.
 */
import type { RenderContext } from "./render_context.ts";
import type {
  Plugin,
  PluginRenderFunctionResult,
  PluginRenderLink,
  PluginRenderResult,
  PluginRenderScripts,
  PluginRenderStyleTag,
  RenderFunction,
} from "./types.ts";

/** What the hooks made of the page. */
export interface RenderHooksResult {
  htmlText: string;
  styles: PluginRenderStyleTag[];
  links: PluginRenderLink[];
  scripts: [Plugin, PluginRenderScripts][];
}

/** Renders the page with `render` inside every plugin's hooks. */
export async function runRenderHooks(
  plugins: Plugin[],
  renderFn: RenderFunction | undefined,
  renderCtx: RenderContext,
  render: () => string,
  requiresHydration: () => boolean,
  islandCode: () => string,
): Promise<RenderHooksResult> {
  let html: string | null = null;
  const results: [Plugin, PluginRenderResult][] = [];
  const result = (): PluginRenderFunctionResult => ({
    htmlText: html!,
    requiresHydration: requiresHydration(),
    // Read only by plugins that want it: it may need the bundle.
    get islandCode() {
      return islandCode();
    },
  });
  const record = (plugin: Plugin, out: PluginRenderResult | undefined) => {
    if (!out || typeof out !== "object") {
      throw new Error(
        `plugin ${plugin.name}: its render hook returned no PluginRenderResult`,
      );
    }
    results.push([plugin, out]);
    if (out.htmlText !== undefined) html = out.htmlText;
  };

  const sync = plugins.filter((p) => p.render);
  const renderSync = (i: number): PluginRenderFunctionResult => {
    const plugin = sync[i];
    if (!plugin) {
      html = render();
      return result();
    }
    let called = false;
    const out = plugin.render!({
      render: () => (called = true, renderSync(i + 1)),
    });
    if (!called) {
      throw new Error(`plugin ${plugin.name} did not call ctx.render()`);
    }
    record(plugin, out);
    return result();
  };

  const async = plugins.filter((p) => p.renderAsync);
  const renderAsync = async (
    i: number,
  ): Promise<PluginRenderFunctionResult> => {
    const plugin = async[i];
    if (!plugin) {
      if (!renderFn) return renderSync(0);
      let called = false;
      await renderFn(renderCtx, () => (called = true, renderSync(0).htmlText));
      if (!called) throw new Error("config.render did not call render()");
      return result();
    }
    let called = false;
    const out = await plugin.renderAsync!({
      renderAsync: () => (called = true, renderAsync(i + 1)),
    });
    if (!called) {
      throw new Error(`plugin ${plugin.name} did not call ctx.renderAsync()`);
    }
    record(plugin, out);
    return result();
  };

  await renderAsync(0);
  return {
    htmlText: html!,
    styles: results.flatMap(([, r]) => r.styles ?? []),
    links: results.flatMap(([, r]) => r.links ?? []),
    scripts: results.flatMap(([p, r]) =>
      (r.scripts ?? []).map((s) => [p, s] as [Plugin, PluginRenderScripts])
    ),
  };
}
