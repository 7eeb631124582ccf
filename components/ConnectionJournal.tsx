import { clockTime } from "../lib/ui/format.ts";
import { type JournalEntry, journalText } from "../lib/ui/live_state.ts";

/**
 * This page's connection events (not the task's changes), newest first,
 * folded away: they matter when something looks wrong.
 */
export function ConnectionJournal(props: { entries: readonly JournalEntry[] }) {
  const { entries } = props;
  if (entries.length === 0) return null;
  return (
    <details
      id="journal-box"
      class="rounded-3xl bg-white/70 px-5 py-3 text-sm ring-1 ring-slate-900/5 sm:px-7 dark:bg-slate-800/70 dark:ring-white/10"
    >
      <summary class="cursor-pointer py-1 font-semibold text-slate-700 focus-ring dark:text-slate-200">
        Connexion de cette page ({entries.length} événement
        {entries.length === 1 ? "" : "s"})
      </summary>
      <ol
        id="journal"
        aria-label="Événements de connexion"
        class="mt-2 space-y-1"
      >
        {entries.map((entry) => (
          <li key={entry.id} data-kind={entry.kind} class="flex gap-4">
            <time
              dateTime={new Date(entry.at).toISOString()}
              class="w-[4.75rem] shrink-0 tabular-nums muted"
            >
              {clockTime(entry.at)}
            </time>
            <span class="text-slate-800 dark:text-slate-100">
              {journalText(entry)}
            </span>
          </li>
        ))}
      </ol>
    </details>
  );
}
