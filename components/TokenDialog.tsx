import type { Ref } from "preact";
import type { Status } from "../lib/domain/statuses.ts";
import { LockIcon } from "./Icons.tsx";

/**
 * Asks for the admin token for one change, in a modal `<dialog>` its owner
 * opens with `showModal()`. The token is tried with that change before it
 * is kept: `onSubmit` gets it and the owner closes the dialog once the
 * server took it, or shows `error`. `onCancel` fires when it closes any
 * other way (the cancel button, Escape).
 */
export function TokenDialog(props: {
  dialogRef: Ref<HTMLDialogElement>;
  /** The change waiting for the token. */
  status?: Status;
  error?: string;
  checking: boolean;
  onSubmit(token: string): void;
  onCancel(): void;
}) {
  return (
    <dialog
      ref={props.dialogRef}
      id="token-dialog"
      aria-labelledby="token-title"
      aria-describedby="token-help"
      onClose={(event) => {
        if (event.currentTarget.returnValue !== "ok") props.onCancel();
      }}
      class="w-[calc(100%-2rem)] max-w-md rounded-3xl bg-white p-0 text-slate-900 shadow-2xl ring-1 ring-slate-900/10 backdrop:bg-slate-900/60 dark:bg-slate-800 dark:text-slate-100 dark:ring-white/10"
    >
      <form
        method="dialog"
        class="space-y-4 p-6"
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          if (!form.reportValidity() || props.checking) return;
          props.onSubmit(form.querySelector("input")?.value ?? "");
        }}
      >
        <div class="flex items-center gap-3">
          <span class="grid h-10 w-10 shrink-0 place-items-center rounded-full bg-indigo-100 text-indigo-700 dark:bg-indigo-900 dark:text-indigo-100">
            <LockIcon class="h-5 w-5" />
          </span>
          <h2 id="token-title" class="text-lg font-semibold">
            Jeton d'administration
          </h2>
        </div>
        <p id="token-help" class="text-slate-700 dark:text-slate-200">
          Pour passer la tâche à{" "}
          <strong class="font-semibold">« {props.status} »</strong>, entrez le
          jeton d'administration. Il est vérifié avant d'être gardé, dans cet
          onglet seulement, jusqu'à sa fermeture.
        </p>
        <div>
          <label for="admin-token" class="block text-sm font-medium">
            Jeton
          </label>
          <input
            id="admin-token"
            name="token"
            type="password"
            required
            autocomplete="off"
            spellcheck={false}
            aria-invalid={props.error ? true : undefined}
            aria-describedby={props.error ? "token-error" : undefined}
            class="mt-1 block w-full rounded-xl border border-slate-300 bg-white px-3 py-2 text-slate-900 focus:outline focus:outline-2 focus:outline-offset-1 focus:outline-indigo-600 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:focus:outline-indigo-300"
          />
          {props.error && (
            <p
              id="token-error"
              role="alert"
              class="mt-2 text-sm font-medium text-red-700 dark:text-red-300"
            >
              {props.error}
            </p>
          )}
        </div>
        <div class="flex justify-end gap-2">
          <button
            type="button"
            id="token-cancel"
            onClick={(event) =>
              event.currentTarget.closest("dialog")?.close("cancel")}
            class={`rounded-xl px-4 py-2 font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-700 focus-ring`}
          >
            Annuler
          </button>
          <button
            type="submit"
            id="token-submit"
            aria-busy={props.checking}
            class={`rounded-xl bg-indigo-600 px-4 py-2 font-semibold text-white shadow-sm hover:bg-indigo-500 focus-ring`}
          >
            {props.checking ? "Vérification…" : "Valider"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
