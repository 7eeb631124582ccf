/**
 * The browser-safe half of the Fresh 1.x API, as `$fresh/runtime.ts`:
 * usable in routes, components and islands.
 */
export { asset, assetSrcSet } from "./asset.ts";
export { Head, type HeadProps } from "./head.ts";
export { Partial, type PartialProps } from "./partial.ts";
export {
  type ContentSecurityPolicy,
  type ContentSecurityPolicyDirectives,
  nonce,
  NONE,
  SELF,
  STRICT_DYNAMIC,
  UNSAFE_EVAL,
  UNSAFE_HASHES,
  UNSAFE_INLINE,
  useCSP,
} from "./csp.ts";

/** True in the browser, false while rendering on the server. */
export const IS_BROWSER = typeof document !== "undefined";
