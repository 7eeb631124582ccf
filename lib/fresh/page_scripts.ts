/**
 * The scripts a page ships: the island props as JSON, and one module script
 * that hydrates the islands, starts client navigation and runs the plugins'
 * scripts. A page that needs none of these gets no script at all.
 */
import { NAV_KEY, RUNTIME_KEY } from "./bundle.ts";
import type { IslandUse } from "./preact_hooks.ts";
import { serializeProps } from "./serialize.ts";

/** The id of the `<script type="application/json">` with the island props. */
export const STATE_ID = "__FRSH_STATE";

/** What a page needs in the browser. */
export interface ScriptNeeds {
  uses: IslandUse[];
  /** The props of `uses`, encoded (see `islandProps`). */
  props: string;
  /** The page uses `f-client-nav` or `<Partial>`. */
  nav: boolean;
  /** Plugin scripts: bundle entry key and the state for its default export. */
  plugins: { key: string; state: unknown }[];
}

/** Where the bundle's files are. */
export interface ScriptUrls {
  /** URL prefix of the bundle files. */
  base: string;
  buildId: string;
  basePath: string;
  /** Bundle path of each entry, by key. */
  entries: Record<string, string>;
  /** Entry key of each island module, by module index. */
  islandKeys: string[];
}

/** The props of the islands on a page, as one JSON text; throws, naming it, for a prop that cannot be sent. */
export function islandProps(uses: IslandUse[]): string {
  return serializeProps(
    uses.map((u) => ({ path: `${u.island.name} props`, value: u.props })),
  );
}

/** True when `needs` asks for any script. */
export function needsScripts(needs: ScriptNeeds): boolean {
  return needs.uses.length > 0 || needs.nav || needs.plugins.length > 0;
}

// "<" only occurs inside string literals in JSON, where \u003c means the same.
const safe = (text: string) => text.replace(/</g, "\\u003c");

/**
 * The island props (JSON, for the first hydration and for client
 * navigation) and the page's module script; "" when nothing is needed.
 */
export function pageScripts(
  needs: ScriptNeeds,
  urls: ScriptUrls,
  nonce: string,
): string {
  if (!needsScripts(needs)) return "";
  const url = (key: string) => JSON.stringify(urls.base + urls.entries[key]);
  const attr = nonce ? ` nonce="${nonce}"` : "";
  const used = [...new Set(needs.uses.map((u) => u.island.module))];
  const modules = Object.fromEntries(
    used.map((m) => [m, urls.base + urls.entries[urls.islandKeys[m]]]),
  );
  const islands = needs.uses.map((u) => [u.island.module, u.island.exportName]);
  const props = needs.props;
  const state = `{"b":${JSON.stringify(urls.buildId)},"bp":${
    JSON.stringify(urls.basePath)
  },"m":${JSON.stringify(modules)},"i":${
    JSON.stringify(islands)
  },"p":${props}}`;
  let js = "";
  if (needs.uses.length > 0 || needs.nav) {
    js += `import{boot,hydrateIslands}from${url(RUNTIME_KEY)};` +
      used.map((m) => `import*as m${m} from${JSON.stringify(modules[m])};`)
        .join("") +
      `boot({${used.map((m) => `${m}:m${m}`).join(",")}});`;
  }
  if (needs.nav) js += `import{nav}from${url(NAV_KEY)};nav(hydrateIslands);`;
  needs.plugins.forEach((p, i) => {
    js += `import p${i} from${url(p.key)};p${i}(${
      JSON.stringify(p.state) ?? "undefined"
    });`;
  });
  return `<script id="${STATE_ID}" type="application/json"${attr}>${
    safe(state)
  }</script><script type="module"${attr}>${safe(js)}</script>`;
}
