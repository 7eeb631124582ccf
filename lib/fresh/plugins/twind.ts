import {
  type BaseTheme,
  stringify,
  twind,
  type TwindConfig,
  virtual,
} from "@twind/core";
import type { Plugin } from "../types.ts";

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
 * page uses, plus those its islands may add in the browser.
 */
export default function twindPlugin<Theme extends BaseTheme>(
  config: TwindConfig<Theme> & { selfURL?: string },
): Plugin {
  const tw = twind(config, virtual());
  let islandCode = "";
  let islandClasses: string[] = [];
  return {
    name: "twind",
    render(ctx) {
      const page = ctx.render();
      if (page.islandCode !== islandCode) {
        islandCode = page.islandCode;
        islandClasses = classesInCode(islandCode);
      }
      tw.clear();
      for (const name of classesInHtml(page.htmlText)) tw(name);
      if (page.islandCode) { for (const name of islandClasses) tw(name); }
      return {
        styles: [{ cssText: stringify(tw.target), id: "__FRSH_TWIND" }],
      };
    },
  };
}
