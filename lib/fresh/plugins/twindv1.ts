/**
 * `$fresh/plugins/twindv1.ts`: the twind v1 plugin at the import path Fresh
 * 1.7 gives it (the same plugin as `$fresh/plugins/twind.ts`).
 */
import type { BaseTheme, TwindConfig } from "@twind/core";
import twindPlugin from "./twind.ts";
import type { Plugin } from "../types.ts";

export { classesInCode, classesInHtml } from "./twind.ts";

/** A twind v1 configuration; `selfURL` is accepted and not needed. */
export type Options<Theme extends BaseTheme = BaseTheme> =
  & TwindConfig<Theme>
  & { selfURL?: string };

/** The twind v1 plugin (see `twind.ts`). */
export default function twindV1Plugin<Theme extends BaseTheme>(
  options: Options<Theme>,
): Plugin {
  return twindPlugin(options);
}
