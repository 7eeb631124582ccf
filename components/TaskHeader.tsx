import type { TaskIdentity } from "../lib/domain/task_identity.ts";
import { ExternalIcon } from "./Icons.tsx";

/** The host of `url`, to name a link by where it leads. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * What the task is: its name as the page's heading, its description and
 * its link.
 */
export function TaskHeader(props: { task: TaskIdentity }) {
  const { task } = props;
  return (
    <header>
      <nav aria-label="Navigation">
        <a
          id="all-tasks"
          href="/tasks"
          class="text-sm font-semibold text-slate-600 hover:text-slate-900 focus-ring dark:text-slate-300 dark:hover:text-white"
        >
          ← Toutes les tâches
        </a>
      </nav>
      <div class="min-w-0">
        <h1
          id="task-name"
          class="mt-2 break-words text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl dark:text-white"
        >
          {task.name}
        </h1>
        {task.description && (
          <p
            id="task-description"
            class="mt-2 max-w-prose whitespace-pre-line text-slate-700 dark:text-slate-200"
          >
            {task.description}
          </p>
        )}
        {task.url && (
          <a
            id="task-link"
            href={task.url}
            rel="noopener noreferrer"
            class="mt-2 inline-flex items-center gap-1.5 font-semibold text-[color:var(--ink)] underline decoration-2 underline-offset-4 hover:opacity-80 focus-ring"
          >
            {hostOf(task.url)}
            <ExternalIcon class="h-4 w-4" />
          </a>
        )}
      </div>
    </header>
  );
}
