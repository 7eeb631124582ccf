import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ComponentType } from "preact";
import type { BundleEntry } from "./bundle.ts";
import type { Manifest, Plugin } from "./types.ts";
import { unsupported } from "./unsupported.ts";

/** One exported component of an island module. */
export interface Island {
  /** Index of its module among the app's island modules. */
  module: number;
  exportName: string;
  component: ComponentType;
  /** For messages: "islands/Counter.tsx (default)". */
  name: string;
}

/** Every island of an app, and the modules to bundle for them. */
export interface IslandSet {
  byComponent: Map<unknown, Island>;
  /** One bundle entry per island module, in module index order. */
  entries: BundleEntry[];
}

/**
 * Collects the islands of the manifest (sorted by file) and those plugins
 * bring (imported here, in plugin order): every exported function is one.
 */
export async function collectIslands(
  manifest: Manifest,
  plugins: Plugin[],
  appDir: string,
): Promise<IslandSet> {
  const modules: [BundleEntry, Record<string, unknown>][] = Object.keys(
    manifest.islands,
  ).sort().map((key) => [
    { key, path: resolve(appDir, key) },
    manifest.islands[key],
  ]);
  for (const entry of pluginIslandEntries(plugins)) {
    modules.push([entry, await import(entry.key)]);
  }
  const byComponent = new Map<unknown, Island>();
  modules.forEach(([entry, mod], module) => {
    for (const [exportName, value] of Object.entries(mod)) {
      if (typeof value !== "function" || byComponent.has(value)) continue;
      const file = entry.key.replace(/^\.\//, "").replace(/^file:.*\//, "");
      byComponent.set(value, {
        module,
        exportName,
        component: value as ComponentType,
        name: `${file} (${exportName})`,
      });
    }
  });
  return { byComponent, entries: modules.map(([entry]) => entry) };
}

/** The island modules plugins bring, as bundle entries keyed by URL. */
export function pluginIslandEntries(plugins: Plugin[]): BundleEntry[] {
  return plugins.flatMap((plugin) =>
    (plugin.islands?.paths ?? []).map((path) => {
      const url = new URL(path, plugin.islands!.baseLocation);
      if (url.protocol !== "file:") {
        throw unsupported(
          `an island outside the file system (${url.href})`,
          `plugin ${plugin.name}`,
        );
      }
      return { key: url.href, path: fileURLToPath(url) };
    })
  );
}

/** The bundle entry key of a plugin's entrypoint. */
export function entrypointKey(plugin: Plugin, name: string): string {
  return `plugin:${plugin.name}:${name}`;
}

/** The plugins' browser modules (`entrypoints`), as bundle entries: files and `data:` URLs. */
export function pluginEntrypoints(plugins: Plugin[]): BundleEntry[] {
  return plugins.flatMap((plugin) =>
    Object.entries(plugin.entrypoints ?? {}).map(([name, specifier]) => {
      const key = entrypointKey(plugin, name);
      if (specifier.startsWith("data:")) return { key, path: specifier };
      if (specifier.startsWith("file:")) {
        return { key, path: fileURLToPath(specifier) };
      }
      throw unsupported(
        `an entrypoint that is no file: or data: URL (${specifier})`,
        `plugin ${plugin.name}`,
      );
    })
  );
}
