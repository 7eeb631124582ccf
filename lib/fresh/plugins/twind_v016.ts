/**
 * twind v0.16 configurations (what `$fresh/plugins/twind.ts` took in Fresh
 * before twind v1): the options that have a twind v1 equivalent are carried
 * over onto the Tailwind preset; any other is refused at start, by name.
 */
import { defineConfig, type TwindConfig } from "@twind/core";
import presetTailwind from "@twind/preset-tailwind";
import { unsupported } from "../unsupported.ts";

/** A twind v0.16 configuration, as Fresh's twind plugin took it. */
export interface Options {
  /** `import.meta.url` of the configuration file. */
  selfURL?: string;
  theme?: Record<string, unknown>;
  darkMode?: "media" | "class";
  preflight?: boolean;
  /** Only how unknown classes are reported in v0.16; no effect here. */
  mode?: "strict" | "warn" | "silent";
  hash?: false;
  [option: string]: unknown;
}

const CARRIED = new Set(["selfURL", "theme", "darkMode", "preflight", "mode"]);

/**
 * True for a configuration written for twind v0.16: a v1 one names presets,
 * or (once through v1's `defineConfig`) has arrays of rules and variants.
 */
export function isV016Config(config: object): boolean {
  const c = config as Record<string, unknown>;
  return !["presets", "rules", "variants"].some((k) => Array.isArray(c[k]));
}

function where(config: Options): string {
  const file = config.selfURL?.replace(/^.*\//, "");
  return file || "the twind configuration";
}

/** The twind v1 configuration that renders what `config` (v0.16) did. */
export function fromV016(config: Options): TwindConfig {
  for (const [option, value] of Object.entries(config)) {
    if (value === undefined || CARRIED.has(option)) continue;
    if (option === "hash" && value === false) continue;
    throw unsupported(`the twind v0.16 option "${option}"`, where(config));
  }
  const { darkMode, preflight, theme } = config;
  if (darkMode !== undefined && darkMode !== "media" && darkMode !== "class") {
    throw unsupported(
      `twind v0.16 darkMode ${JSON.stringify(darkMode)}`,
      where(config),
    );
  }
  if (preflight !== undefined && typeof preflight !== "boolean") {
    throw unsupported(
      "a twind v0.16 preflight other than true or false",
      where(config),
    );
  }
  return defineConfig({
    presets: [presetTailwind({ disablePreflight: preflight === false })],
    ...(darkMode ? { darkMode } : {}),
    ...(theme ? { theme: theme as TwindConfig["theme"] } : {}),
  }) as unknown as TwindConfig;
}
