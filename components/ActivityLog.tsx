import {
  describeEntry,
  type EntryText,
  type LogEntry,
} from "../lib/ui/activity_log.ts";
import { clockTime } from "../lib/ui/format.ts";
import { STATUS_LOOKS } from "../lib/ui/status_look.ts";
import { TrashIcon } from "./Icons.tsx";

const MARK: Record<EntryText["tone"], string> = {
  info: "bg-blue-500",
  success: "bg-emerald-500",
  warning: "bg-amber-500",
  error: "bg-red-500",
};

/** What happened on this page, newest first, announced politely to screen readers. */
export function ActivityLog(
  props: { entries: readonly LogEntry[]; onClear: () => void },
) {
  const { entries } = props;
  return (
    <section aria-labelledby="activity-title" data-needs-js>
      <div class="flex items-center justify-between gap-3">
        <h2
          id="activity-title"
          class="text-sm font-semibold uppercase tracking-wider text-slate-600 dark:text-slate-300"
        >
          Activité
        </h2>
        <button
          type="button"
          id="clear-log"
          onClick={props.onClear}
          disabled={entries.length === 0}
          class="inline-flex items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-xs font-medium text-slate-700 hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-60 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400 dark:text-slate-200 dark:hover:bg-slate-700"
        >
          <TrashIcon class="h-4 w-4" />
          Effacer
        </button>
      </div>
      <ol
        id="activity-log"
        aria-live="polite"
        aria-label="Journal d'activité, le plus récent en premier"
        tabIndex={entries.length > 0 ? 0 : undefined}
        class="mt-3 max-h-72 space-y-1 overflow-y-auto rounded-xl focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400"
      >
        {entries.map((entry) => {
          const { text, tone } = describeEntry(entry);
          // A change is marked with the colour of the status it went to.
          const mark = entry.kind === "change"
            ? STATUS_LOOKS[entry.to].dot
            : MARK[tone];
          return (
            <li
              key={entry.id}
              data-kind={entry.kind}
              class="flex items-start gap-3 rounded-lg px-2 py-1.5 text-sm hover:bg-slate-50 motion-safe:animate-[log-in_300ms_ease-out] dark:hover:bg-slate-700"
            >
              <time
                dateTime={new Date(entry.at).toISOString()}
                class="shrink-0 pt-px font-mono text-xs leading-5 tabular-nums text-slate-600 dark:text-slate-300"
              >
                {clockTime(entry.at)}
              </time>
              <span
                class={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${mark}`}
                aria-hidden="true"
              />
              <span class="min-w-0 break-words text-slate-800 dark:text-slate-100">
                {text}
              </span>
            </li>
          );
        })}
      </ol>
      {entries.length === 0 && (
        <p class="mt-1 rounded-xl border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600 dark:border-slate-600 dark:text-slate-300">
          Rien pour l'instant : les changements et les événements de connexion
          s'afficheront ici.
        </p>
      )}
    </section>
  );
}
