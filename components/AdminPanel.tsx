import { type Status, STATUSES } from "../lib/domain/statuses.ts";
import { STATUS_LOOKS } from "../lib/ui/status_look.ts";
import { SpinnerIcon, StatusGlyph } from "./Icons.tsx";

const IDLE =
  "bg-white text-slate-800 ring-slate-300 hover:bg-slate-50 hover:ring-slate-400 active:scale-95 dark:bg-slate-700 dark:text-slate-100 dark:ring-slate-600 dark:hover:bg-slate-600";

/** One button per status: the current one pressed and inert, busy ones spinning. */
export function AdminPanel(props: {
  current: Status;
  busy: readonly Status[];
  error: string | undefined;
  onChoose: (status: Status) => void;
}) {
  return (
    <section aria-labelledby="admin-title" data-needs-js>
      <h2
        id="admin-title"
        class="text-sm font-semibold uppercase tracking-wider text-slate-600 dark:text-slate-300"
      >
        Changer le statut
      </h2>
      <p class="mt-1 text-sm text-slate-600 dark:text-slate-300">
        Toutes les pages ouvertes suivent le changement.
      </p>
      <div
        role="group"
        aria-labelledby="admin-title"
        class="mt-3 grid grid-cols-2 gap-2 sm:grid-cols-4"
      >
        {STATUSES.map((status) => {
          const look = STATUS_LOOKS[status];
          const current = status === props.current;
          const busy = props.busy.includes(status);
          return (
            <button
              key={status}
              type="button"
              data-choose={status}
              aria-pressed={current}
              aria-busy={busy}
              disabled={current || busy}
              onClick={() => props.onChoose(status)}
              class={`flex min-h-[2.75rem] items-center justify-center gap-2 rounded-xl px-3 py-2 text-sm font-medium ring-1 ring-inset transition motion-reduce:transition-none focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400 disabled:cursor-default ${
                current ? `${look.pressed} ring-2` : IDLE
              } ${busy ? "opacity-75" : ""}`}
            >
              {busy
                ? (
                  <SpinnerIcon class="h-4 w-4 shrink-0 motion-safe:animate-spin" />
                )
                : <StatusGlyph icon={look.icon} class="h-4 w-4 shrink-0" />}
              <span>{status}</span>
              {current && <span class="sr-only">(statut actuel)</span>}
            </button>
          );
        })}
      </div>
      {props.error && (
        <p
          id="admin-error"
          role="alert"
          class="mt-3 rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-inset ring-red-200 dark:bg-red-900 dark:text-red-100 dark:ring-red-700"
        >
          {props.error}
        </p>
      )}
    </section>
  );
}
