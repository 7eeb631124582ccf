import type { AppProps } from "$fresh/server.ts";
import { pageCss } from "../lib/ui/page_css.ts";

/**
 * Keyframes the twind classes refer to by name (`animate-[status-pop_…]`):
 * a short entrance for a new status and for a new log line. They only run
 * under `motion-safe:`. (Plain text children: nothing here needs escaping.)
 */
const KEYFRAMES =
  "@keyframes status-pop{0%{opacity:0;transform:scale(.92) translateY(4px)}100%{opacity:1;transform:none}}" +
  "@keyframes log-in{0%{opacity:0;transform:translateY(-4px)}100%{opacity:1;transform:none}}";

/** The status palette (any element with `data-tone` takes its colours) and the shared component classes. */
const PAGE_CSS = pageCss();

/** Without JavaScript, controls that cannot work are hidden rather than dead. */
const NO_SCRIPT = "[data-needs-js]{display:none!important}";

/** The HTML document around every page. */
export default function App({ Component }: AppProps) {
  return (
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <style>{KEYFRAMES + PAGE_CSS}</style>
        <noscript>
          <style>{NO_SCRIPT}</style>
        </noscript>
      </head>
      <body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-900 dark:text-slate-100">
        <Component />
      </body>
    </html>
  );
}
