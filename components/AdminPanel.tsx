import { type Status, STATUSES } from "../lib/domain/statuses.ts";
import type { UpdateAccess } from "../lib/domain/update_access.ts";
import { type AdminState, secondsLeft, UNDO_MS } from "../lib/ui/admin.ts";
import { STATUS_ICONS } from "../lib/ui/status_look.ts";
import { LockIcon, SpinnerIcon, StatusGlyph } from "./Icons.tsx";

const TITLE = "text-lg font-semibold strong";

/** What the panel shows and does. */
export interface AdminPanelProps {
  access: UpdateAccess;
  current: Status;
  admin: AdminState;
  now: number;
  /** A token is kept in this tab. */
  tokenKept: boolean;
  onChoose(status: Status, button: HTMLButtonElement): void;
  onCancel(): void;
  onForget(): void;
}

/**
 * One button per status, or, where this viewer may not update, why not.
 * Buttons are never disabled (a disabled button drops the keyboard focus):
 * the current one and those waiting are `aria-disabled` and do nothing.
 */
export function AdminPanel(props: AdminPanelProps) {
  const { admin, access } = props;
  const { pending, sending, feedback } = admin;
  return (
    <section aria-labelledby="admin-title" data-needs-js class="card">
      <h2 id="admin-title" tabIndex={-1} class={`${TITLE} outline-none`}>
        Changer le statut
      </h2>
      {access === "denied"
        ? (
          <p
            id="admin-denied"
            class="mt-2 flex items-start gap-3 text-slate-700 dark:text-slate-200"
          >
            <LockIcon class="mt-0.5 h-5 w-5 shrink-0" />
            Ce serveur n'accepte les changements que depuis sa propre machine :
            d'ici, on peut suivre le statut, pas le changer.
          </p>
        )
        : (
          <>
            <p class="mt-1 text-sm muted">
              « Terminée » et « Échec » partent après {UNDO_MS / 1000}{" "}
              s, le temps d'annuler.
            </p>
            <div
              role="group"
              aria-labelledby="admin-title"
              class="mt-4 grid grid-cols-2 gap-2 sm:grid-cols-4"
            >
              {STATUSES.map((status) => {
                const current = status === props.current;
                const busy = sending === status;
                const waiting = pending?.status === status;
                return (
                  <button
                    key={status}
                    type="button"
                    data-choose={status}
                    data-tone={status}
                    aria-pressed={current}
                    aria-busy={busy}
                    aria-disabled={current || busy || undefined}
                    onClick={(event) =>
                      props.onChoose(status, event.currentTarget)}
                    class={`flex min-h-[3rem] items-center justify-center gap-2 rounded-2xl px-3 py-2 font-semibold transition motion-reduce:transition-none focus-ring ${
                      current
                        ? "cursor-default bg-[color:var(--tone)] text-white"
                        : waiting
                        ? "bg-white text-[color:var(--ink)] ring-2 ring-inset ring-[color:var(--tone)] dark:bg-slate-900"
                        : "btn active:scale-95"
                    }`}
                  >
                    {busy
                      ? (
                        <SpinnerIcon class="h-5 w-5 shrink-0 motion-safe:animate-spin" />
                      )
                      : (
                        <StatusGlyph
                          icon={STATUS_ICONS[status]}
                          class={`h-5 w-5 shrink-0 ${
                            current ? "" : "text-[color:var(--ink)]"
                          }`}
                        />
                      )}
                    <span>{status}</span>
                    {current && <span class="sr-only">(statut actuel)</span>}
                  </button>
                );
              })}
            </div>
            <div role="status" class="empty:hidden">
              {pending && (
                <p
                  id="pending"
                  data-tone={pending.status}
                  class="mt-4 flex flex-wrap items-center justify-between gap-3 rounded-2xl bg-[color:var(--soft)] px-4 py-3 text-[color:var(--ink)] ring-1 ring-inset ring-[color:var(--tone)] dark:bg-slate-900"
                >
                  <span class="font-medium">
                    « {pending.status} » part dans{" "}
                    {secondsLeft(pending, props.now)} s.
                  </span>
                  <button
                    type="button"
                    id="undo"
                    onClick={props.onCancel}
                    class="btn px-4 py-1.5"
                  >
                    Annuler
                  </button>
                </p>
              )}
              {feedback && (
                <p
                  id="admin-feedback"
                  data-tone-kind={feedback.tone}
                  class={`mt-4 rounded-2xl px-4 py-3 text-sm ring-1 ring-inset ${
                    feedback.tone === "error"
                      ? "bg-red-50 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-100 dark:ring-red-800"
                      : "bg-slate-50 text-slate-700 ring-slate-200 dark:bg-slate-900 dark:text-slate-200 dark:ring-slate-700"
                  }`}
                >
                  {feedback.text}
                </p>
              )}
            </div>
            {access === "token" && (
              <p class="mt-4 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm muted">
                <LockIcon class="h-4 w-4 shrink-0" />
                {props.tokenKept
                  ? (
                    <>
                      <span>Jeton gardé dans cet onglet.</span>
                      <button
                        type="button"
                        id="forget-token"
                        onClick={props.onForget}
                        class={`rounded font-semibold text-indigo-700 underline underline-offset-2 hover:text-indigo-900 dark:text-indigo-300 focus-ring`}
                      >
                        Oublier le jeton
                      </button>
                    </>
                  )
                  : (
                    <span>
                      Un jeton d'administration est demandé pour tout
                      changement.
                    </span>
                  )}
              </p>
            )}
          </>
        )}
    </section>
  );
}
