/**
 * The few component classes the pages share, as plain CSS written once into
 * the page's stylesheet (with the status palette): cards, the focus ring,
 * muted text and the neutral button. Utility classes do the rest; these
 * are the ones every component repeats, kept out of the browser's code.
 */
import { paletteCss } from "./palette.ts";

const FOCUS = "outline:2px solid #4f46e5;outline-offset:2px";

/** The stylesheet: the palette, then the component classes, light and dark. */
export function pageCss(): string {
  return paletteCss() +
    ".card{border-radius:1.5rem;background:#fff;padding:1.25rem;box-shadow:0 1px 2px rgb(0 0 0/.05),0 0 0 1px rgb(15 23 42/.05)}" +
    "@media (min-width:640px){.card{padding:1.75rem}}" +
    `.focus-ring:focus-visible{${FOCUS}}` +
    ".muted{color:#475569}" +
    ".strong{color:#0f172a}" +
    ".btn{border-radius:.75rem;background:#fff;color:#1e293b;font-weight:600;box-shadow:inset 0 0 0 1px #cbd5e1}" +
    ".btn:hover{background:#f8fafc;box-shadow:inset 0 0 0 1px #94a3b8}" +
    `.btn:focus-visible{${FOCUS}}` +
    "@media (prefers-color-scheme:dark){" +
    ".card{background:#1e293b;box-shadow:0 0 0 1px rgb(255 255 255/.1)}" +
    ".focus-ring:focus-visible,.btn:focus-visible{outline-color:#a5b4fc}" +
    ".muted{color:#cbd5e1}" +
    ".strong{color:#fff}" +
    ".btn{background:#0f172a;color:#f1f5f9;box-shadow:inset 0 0 0 1px #475569}" +
    ".btn:hover{background:#334155}" +
    "}";
}
