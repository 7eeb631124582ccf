/**
 * Content-Security-Policy for routes with `config.csp`: the types and source
 * constants of Fresh, `useCSP` for components, and the header the server
 * sends. Browser-safe: `useCSP` does nothing in the browser.
 */

/** The page's own origin. */
export const SELF = "'self'";
/** Inline scripts or styles (ignored by browsers once a nonce is allowed). */
export const UNSAFE_INLINE = "'unsafe-inline'";
/** `eval()` and the like. */
export const UNSAFE_EVAL = "'unsafe-eval'";
/** Inline event handlers whose hash is listed. */
export const UNSAFE_HASHES = "'unsafe-hashes'";
/** Nothing at all. */
export const NONE = "'none'";
/** Scripts loaded by an allowed script. */
export const STRICT_DYNAMIC = "'strict-dynamic'";

/** The source that allows the inline scripts and styles carrying `nonce`. */
export function nonce(value: string): string {
  return `'nonce-${value}'`;
}

/** The directives of a policy, camelCased (`scriptSrc` is `script-src`). */
export interface ContentSecurityPolicyDirectives {
  defaultSrc?: string[];
  childSrc?: string[];
  connectSrc?: string[];
  fontSrc?: string[];
  frameSrc?: string[];
  imgSrc?: string[];
  manifestSrc?: string[];
  mediaSrc?: string[];
  objectSrc?: string[];
  prefetchSrc?: string[];
  scriptSrc?: string[];
  scriptSrcElem?: string[];
  scriptSrcAttr?: string[];
  styleSrc?: string[];
  styleSrcElem?: string[];
  styleSrcAttr?: string[];
  workerSrc?: string[];
  baseUri?: string[];
  sandbox?: string[];
  formAction?: string[];
  frameAncestors?: string[];
  navigateTo?: string[];
  reportUri?: string[];
  reportTo?: string;
}

/** A page's policy; `reportOnly` sends it as `Content-Security-Policy-Report-Only`. */
export interface ContentSecurityPolicy {
  directives: ContentSecurityPolicyDirectives;
  reportOnly: boolean;
}

/** The policy of the page being rendered on the server (null otherwise). */
export const cspSlot: { current: ContentSecurityPolicy | null } = {
  current: null,
};

/** Lets a component change the page's policy while it renders on the server. */
export function useCSP(mutator: (csp: ContentSecurityPolicy) => void): void {
  if (cspSlot.current) mutator(cspSlot.current);
}

/** The policy a `csp: true` route starts from: nothing but inline styles. */
export function defaultCsp(): ContentSecurityPolicy {
  return {
    directives: { defaultSrc: [NONE], styleSrc: [UNSAFE_INLINE] },
    reportOnly: false,
  };
}

/**
 * The header name and value of `csp`, with `nonceValue` allowed for scripts,
 * and for styles unless they are all allowed inline already (a nonce would
 * switch `'unsafe-inline'` off).
 */
export function cspHeader(
  csp: ContentSecurityPolicy,
  nonceValue: string,
): [string, string] {
  const d = csp.directives;
  d.scriptSrc = [...d.scriptSrc ?? [], nonce(nonceValue)];
  if (!d.styleSrc?.includes(UNSAFE_INLINE)) {
    d.styleSrc = [...d.styleSrc ?? [], nonce(nonceValue)];
  }
  const value = Object.entries(d)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      const name = k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
      return `${name} ${Array.isArray(v) ? v.join(" ") : v}`;
    })
    .join("; ");
  const name = csp.reportOnly
    ? "content-security-policy-report-only"
    : "content-security-policy";
  return [name, value];
}
