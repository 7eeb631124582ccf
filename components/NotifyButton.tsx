import type { NotifyWay } from "../lib/ui/notify.ts";
import { BellIcon } from "./Icons.tsx";

/** "Me prévenir": a toggle, saying how the viewer will be told once on. */
export function NotifyButton(
  props: { way: NotifyWay | undefined; onToggle(): void },
) {
  const { way } = props;
  return (
    <p
      data-needs-js
      class="mt-6 flex flex-wrap items-center gap-x-4 gap-y-2 border-t border-white/25 pt-5"
    >
      <button
        type="button"
        id="notify"
        aria-pressed={way !== undefined}
        aria-describedby={way && "notify-help"}
        onClick={props.onToggle}
        class={`inline-flex items-center gap-2 rounded-xl px-4 py-2 font-semibold ring-1 ring-inset ring-white focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white ${
          way ? "bg-white text-slate-900" : "text-white hover:bg-white/15"
        }`}
      >
        <BellIcon class="h-5 w-5" />
        {way ? "Vous serez prévenu" : "Me prévenir à la fin"}
      </button>
      {way && (
        <span id="notify-help">
          {way === "notification"
            ? "Par une notification"
            : "Par un son et le titre de l'onglet"}, si la tâche se termine ou
          échoue pendant que l'onglet est caché.
        </span>
      )}
    </p>
  );
}
