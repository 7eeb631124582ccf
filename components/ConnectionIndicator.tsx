import type { Indicator, IndicatorKind } from "../lib/ui/connection.ts";

/** Colours of the indicator per state (exported for the contrast test). */
export const INDICATOR_PILLS: Record<IndicatorKind, string> = {
  connecting:
    "bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-700 dark:text-slate-100 dark:ring-slate-500",
  live:
    "bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-900 dark:text-emerald-100 dark:ring-emerald-700",
  reconnecting:
    "bg-amber-50 text-amber-900 ring-amber-300 dark:bg-amber-900 dark:text-amber-100 dark:ring-amber-700",
  offline:
    "bg-red-50 text-red-800 ring-red-300 dark:bg-red-900 dark:text-red-100 dark:ring-red-700",
};

const DOT: Record<IndicatorKind, string> = {
  connecting: "bg-slate-400 motion-safe:animate-pulse",
  live: "bg-emerald-500",
  reconnecting: "bg-amber-500 motion-safe:animate-pulse",
  offline: "bg-red-500",
};

/** The state of the live connection, in words and colour. */
export function ConnectionIndicator(props: { indicator: Indicator }) {
  const { kind, label, detail } = props.indicator;
  return (
    <div
      id="connection"
      data-connection={kind}
      data-needs-js
      class="flex min-w-0 flex-col items-end gap-1 text-right"
    >
      <span
        class={`inline-flex items-center gap-2 rounded-full px-3 py-1 text-xs font-semibold ring-1 ring-inset ${
          INDICATOR_PILLS[kind]
        }`}
      >
        <span class="relative flex h-2 w-2" aria-hidden="true">
          {kind === "live" && (
            <span class="absolute inline-flex h-full w-full rounded-full bg-emerald-400 opacity-75 motion-safe:animate-ping" />
          )}
          <span
            class={`relative inline-flex h-2 w-2 rounded-full ${DOT[kind]}`}
          />
        </span>
        <span id="connection-label">{label}</span>
      </span>
      {detail && (
        <span
          id="connection-detail"
          class="text-xs"
        >
          {detail}
        </span>
      )}
    </div>
  );
}
