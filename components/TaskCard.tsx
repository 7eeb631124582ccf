import type { TaskState } from "../lib/domain/task_state.ts";
import type { TaskIdentity } from "../lib/domain/task_identity.ts";
import { duration, moment } from "../lib/ui/format.ts";
import { STATUS_ICONS } from "../lib/ui/status_look.ts";
import { StatusGlyph } from "./Icons.tsx";

/** The page of task `id`: `/` for `default`. */
export function taskHref(id: string): string {
  return id === "default" ? "/" : `/tasks/${id}`;
}

/**
 * One task on the board: its name and its status in its colour, with how
 * long it has held; a link to the task's page. Dimmed when the board is
 * cut off (`stale`).
 */
export function TaskCard(
  props: { task: TaskIdentity; state: TaskState; now: number; stale: boolean },
) {
  const { task, state, now } = props;
  const since = Date.parse(state.updatedAt);
  return (
    <li>
      <a
        href={taskHref(task.id)}
        id={`card-${task.id}`}
        data-tone={state.status}
        data-status={state.status}
        data-version={state.version}
        class={`group flex h-full flex-col gap-4 rounded-3xl bg-white p-5 shadow-sm ring-1 ring-slate-900/5 transition hover:-translate-y-0.5 hover:shadow-md focus-ring motion-reduce:transition-none dark:bg-slate-800 dark:ring-white/10 ${
          props.stale ? "grayscale-[.85]" : ""
        }`}
      >
        <span class="min-w-0">
          <span class="block truncate text-lg font-semibold text-slate-900 group-hover:underline dark:text-white">
            {task.name}
          </span>
          {task.name !== task.id && (
            <span class="block truncate font-mono text-xs muted">
              {task.id}
            </span>
          )}
        </span>
        <span class="mt-auto flex flex-wrap items-center justify-between gap-2">
          <span class="inline-flex items-center gap-2 rounded-2xl bg-[color:var(--tone)] px-3 py-1.5 text-lg font-bold text-white">
            <StatusGlyph
              icon={STATUS_ICONS[state.status]}
              class="h-5 w-5 shrink-0"
            />
            {state.status}
          </span>
          <span class="text-sm muted">
            {state.version === 0 ? "jamais changée" : (
              <>
                <span data-needs-js>{`depuis ${duration(now - since)}, `}</span>
                {moment(since, now)}
              </>
            )}
          </span>
        </span>
      </a>
    </li>
  );
}
