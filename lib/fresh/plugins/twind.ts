import {
  type BaseTheme,
  stringify,
  twind,
  type TwindConfig,
  virtual,
} from "@twind/core";
import type { Plugin } from "../types.ts";
import { fromV016, isV016Config, type Options } from "./twind_v016.ts";

export type { Options };

const CLASS_ATTRIBUTE = /\sclass="([^"]*)"/g;
// Minified code is not parsed (nested template literals defeat a simple
// string-literal pattern): every run of characters between quotes, spaces
// and braces is a candidate, and twind ignores those that are no utility.
const CODE_WORD = /[^\s"'`\\;{}$]+/g;
// Shapes a utility class can have; anything else in island code is skipped.
const CLASS_TOKEN = /^!?-?[a-z@[][\w\-:./[\]#%(),'!&>=*~+]*$/;

/** The class names in every `class="…"` attribute of `html`. */
export function classesInHtml(html: string): string[] {
  return [...html.matchAll(CLASS_ATTRIBUTE)].flatMap((m) =>
    m[1].replace(/&amp;/g, "&").replace(/&quot;/g, '"').split(/\s+/)
  ).filter(Boolean);
}

/**
 * Class-name-like words in bundled island code: the classes an island may
 * add in the browser, which the server never renders.
 */
export function classesInCode(code: string): string[] {
  const words = new Set(code.match(CODE_WORD));
  return [...words].filter((w) => w.length <= 64 && CLASS_TOKEN.test(w));
}

/**
 * Puts into each page's head a `<style>` with the CSS of the classes the
 * page uses, plus those its islands may add in the browser. Takes a twind v1
 * configuration (with `presets`), or a twind v0.16 one (carried over onto
 * the Tailwind preset; an option without an equivalent is refused).
 */
export default function twindPlugin<Theme extends BaseTheme>(
  config: (TwindConfig<Theme> & { selfURL?: string }) | Options,
): Plugin {
  const tw = isV016Config(config)
    ? twind(fromV016(config as Options), virtual())
    : twind(config as TwindConfig<Theme>, virtual());
  let islandCode = "";
  let islandClasses: string[] = [];
  // Pages repeat the same few class sets: generate each set's CSS once.
  const cache = new Map<string, string>();
  const css = (names: string[]) => {
    const key = [...new Set(names)].sort().join(" ");
    let text = cache.get(key);
    if (text === undefined) {
      tw.clear();
      for (const name of key.split(" ")) tw(name);
      text = stringify(tw.target);
      if (cache.size >= 256) cache.clear();
      cache.set(key, text);
    }
    return text;
  };
  return {
    name: "twind",
    render(ctx) {
      const page = ctx.render();
      if (page.islandCode && page.islandCode !== islandCode) {
        islandCode = page.islandCode;
        islandClasses = classesInCode(islandCode);
      }
      const names = classesInHtml(page.htmlText);
      if (page.islandCode) names.push(...islandClasses);
      return { styles: [{ cssText: css(names), id: "__FRSH_TWIND" }] };
    },
  };
}
