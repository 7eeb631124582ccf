import type { Status } from "../lib/domain/statuses.ts";
import { STATUS_LOOKS } from "../lib/ui/status_look.ts";
import { StatusGlyph } from "./Icons.tsx";

/**
 * The current status, large: its colour, its icon and its words (the colour
 * is never the only signal). Give it a new `key` on every change so that it
 * plays its entrance again.
 */
export function StatusBadge(props: { status: Status }) {
  const look = STATUS_LOOKS[props.status];
  return (
    <p
      id="current-status"
      data-status={props.status}
      class={`inline-flex max-w-full items-center gap-3 rounded-2xl px-5 py-3 text-2xl font-semibold tracking-tight ring-1 ring-inset sm:text-3xl motion-safe:animate-[status-pop_500ms_cubic-bezier(0.2,0.9,0.3,1.2)] ${look.badge}`}
    >
      <StatusGlyph
        icon={look.icon}
        class={look.icon === "spinner"
          ? "h-7 w-7 shrink-0 sm:h-8 sm:w-8 motion-safe:animate-[spin_2.4s_linear_infinite]"
          : "h-7 w-7 shrink-0 sm:h-8 sm:w-8"}
      />
      <span>{props.status}</span>
    </p>
  );
}
