import type { Ref } from "preact";
import { LockIcon } from "./Icons.tsx";

/**
 * Asks for the admin token in a modal `<dialog>` (opened with
 * `showModal()` by its owner). Closes with `returnValue` "ok" on submit;
 * `onClose` fires however it closes (submit, cancel button, Escape).
 */
export function TokenDialog(props: {
  dialogRef: Ref<HTMLDialogElement>;
  message: string;
  onClose: (token: string | undefined) => void;
}) {
  return (
    <dialog
      ref={props.dialogRef}
      id="token-dialog"
      aria-labelledby="token-title"
      aria-describedby="token-help"
      onClose={(event) => {
        const dialog = event.currentTarget;
        const input = dialog.querySelector("input");
        props.onClose(
          dialog.returnValue === "ok" ? input?.value ?? "" : undefined,
        );
        if (input) input.value = "";
      }}
      class="w-[calc(100%-2rem)] max-w-sm rounded-2xl bg-white p-0 text-slate-900 shadow-2xl ring-1 ring-slate-900/10 backdrop:bg-slate-900/60 dark:bg-slate-800 dark:text-slate-100 dark:ring-white/10"
    >
      <form
        method="dialog"
        class="space-y-4 p-6"
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          if (!form.reportValidity()) return;
          form.closest("dialog")?.close("ok");
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
        <p id="token-help" class="text-sm text-slate-600 dark:text-slate-300">
          <span class="font-medium text-slate-900 dark:text-white">
            {props.message}.
          </span>{" "}
          Il reste dans cet onglet seulement, jusqu'à sa fermeture.
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
            class="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 focus:outline focus:outline-2 focus:outline-offset-1 focus:outline-indigo-600 dark:focus:outline-indigo-400 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
          />
        </div>
        <div class="flex justify-end gap-2">
          <button
            type="button"
            id="token-cancel"
            onClick={(event) =>
              event.currentTarget.closest("dialog")?.close("cancel")}
            class="rounded-lg px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400 dark:text-slate-200 dark:hover:bg-slate-700"
          >
            Annuler
          </button>
          <button
            type="submit"
            id="token-submit"
            class="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400"
          >
            Valider
          </button>
        </div>
      </form>
    </dialog>
  );
}
