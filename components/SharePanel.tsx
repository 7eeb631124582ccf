const FIELD =
  "min-w-0 flex-1 rounded-xl border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-800 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100";
const LABEL = "text-sm font-medium text-slate-700 dark:text-slate-200";
const BUTTON = "btn shrink-0 px-4 py-2";

/**
 * Sharing: the page's link and the badge's Markdown, each in a field that
 * can be selected and copied by hand, and with a "Copier" button where
 * scripts run (`data-copy` names the field; the page's island handles it).
 * The picture comes from this very server (`badgePath`), whatever name the
 * reader reached it by.
 */
export function SharePanel(
  props: { pageUrl: string; badgeUrl: string; badgePath: string },
) {
  const markdown = `[![statut](${props.badgeUrl})](${props.pageUrl})`;
  return (
    <section
      aria-labelledby="share-title"
      class="card"
    >
      <h2
        id="share-title"
        class="text-lg font-semibold strong"
      >
        Partager
      </h2>
      <div class="mt-4 space-y-4">
        <div>
          <label for="link" class={LABEL}>Lien de cette page</label>
          <div class="mt-1 flex gap-2">
            <input id="link" readOnly value={props.pageUrl} class={FIELD} />
            <button
              type="button"
              id="copy-link"
              data-copy="link"
              data-needs-js
              aria-label="Copier le lien"
              class={BUTTON}
            >
              Copier
            </button>
          </div>
        </div>
        <div>
          <label for="badge" class={`flex items-center gap-3 ${LABEL}`}>
            Badge, en Markdown
            <img
              id="badge-preview"
              src={props.badgePath}
              alt=""
              height={20}
              class="h-5 w-auto"
            />
          </label>
          <div class="mt-1 flex gap-2">
            <input id="badge" readOnly value={markdown} class={FIELD} />
            <button
              type="button"
              id="copy-badge"
              data-copy="badge"
              data-needs-js
              aria-label="Copier le badge"
              class={BUTTON}
            >
              Copier
            </button>
          </div>
        </div>
      </div>
      <p id="copied" role="status" class="sr-only"></p>
    </section>
  );
}
