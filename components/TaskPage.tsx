import { Head } from "$fresh/runtime.ts";
import type { Change, TaskState } from "../lib/domain/task_state.ts";
import type { TaskIdentity } from "../lib/domain/task_identity.ts";
import type { UpdateAccess } from "../lib/domain/update_access.ts";
import { moment } from "../lib/ui/format.ts";
import { faviconHref, pageTitle } from "../lib/ui/status_look.ts";
import StatusLive from "../islands/StatusLive.tsx";
import { SharePanel } from "./SharePanel.tsx";
import { TaskHeader } from "./TaskHeader.tsx";

/** What a task's page is rendered from. */
export interface TaskPageProps {
  task: TaskIdentity;
  state: TaskState;
  /** The kept changes, oldest first. */
  history: Change[];
  updateAccess: UpdateAccess;
  /** The request's address (its `?view=tv` asks for the viewer mode). */
  url: URL;
  /** The server's clock now (ms since the epoch). */
  renderedAt: number;
}

/** The address of a task's page and the base of its API: `/` for `default`. */
export function taskPaths(id: string): { page: string; api: string } {
  return id === "default"
    ? { page: "/", api: "/" }
    : { page: `/tasks/${id}`, api: `/tasks/${id}/` };
}

/**
 * A task's page (`/` and `/tasks/{id}`): its head (title, favicon and
 * `og:` tags carry the name and the status), a note for readers without
 * JavaScript, what the task is, the live island, and sharing. The page's
 * colour follows `data-tone` on `#page`, which the island keeps current.
 * With `?view=tv` the status fills the screen and nothing else shows.
 */
export function TaskPage(props: TaskPageProps) {
  const { task, state, url, renderedAt } = props;
  const paths = taskPaths(task.id);
  const pageUrl = new URL(paths.page, url).href;
  const summary = task.description
    ? `${state.status} — ${task.description}`
    : `Statut : ${state.status}`;
  const tv = url.searchParams.get("view") === "tv";
  const badgeUrl = new URL(`${paths.api}badge.svg`, url).href;
  const live = (
    <StatusLive
      task={task}
      initial={state}
      history={props.history}
      access={props.updateAccess}
      tv={tv}
      renderedAt={renderedAt}
      base={paths.api}
      pageUrl={pageUrl}
    />
  );
  return (
    <>
      <Head>
        <title>{pageTitle(state.status, task.name)}</title>
        <link
          rel="icon"
          type="image/svg+xml"
          href={faviconHref(state.status)}
        />
        <meta name="description" content={summary} />
        <meta property="og:type" content="website" />
        <meta property="og:title" content={`${task.name} : ${state.status}`} />
        <meta property="og:description" content={summary} />
        <meta property="og:url" content={pageUrl} />
      </Head>
      <noscript>
        <p class="bg-amber-100 px-4 py-3 text-center text-amber-950 dark:bg-amber-900 dark:text-amber-50">
          JavaScript est désactivé : voici le statut à{" "}
          {moment(renderedAt, renderedAt)}{" "}
          (heure du serveur). Rechargez la page pour le voir à jour.
        </p>
      </noscript>
      <div
        id="page"
        data-tone={state.status}
        class={tv
          ? "relative flex min-h-screen flex-col bg-[color:var(--tone)] p-[4vmin] text-white transition motion-reduce:transition-none"
          : "min-h-screen bg-[color:var(--soft)] transition-colors motion-reduce:transition-none"}
      >
        {tv
          ? (
            <>
              <h1
                id="task-name"
                class="pr-[24vmin] text-[5vmin] font-bold leading-tight"
              >
                {task.name}
              </h1>
              {live}
              <a
                href={paths.page}
                class="self-center rounded text-[2vmin] font-medium underline underline-offset-4 focus-visible:outline focus-visible:outline-2 focus-visible:outline-white"
              >
                Vue complète
              </a>
            </>
          )
          : (
            <main class="mx-auto w-full max-w-3xl space-y-6 px-4 py-8 sm:px-6 sm:py-12">
              <TaskHeader task={task} />
              {/* A box of its own: an island's root takes no margin. */}
              <div>{live}</div>
              <SharePanel
                pageUrl={pageUrl}
                badgeUrl={badgeUrl}
                badgePath={`${paths.api}badge.svg`}
              />
              <footer class="pb-4 text-center text-sm">
                <a
                  id="tv-link"
                  href={`${paths.page}?view=tv`}
                  class="font-semibold text-slate-700 underline underline-offset-2 hover:text-slate-900 dark:text-slate-200 dark:hover:text-white"
                >
                  Mode écran mural
                </a>
              </footer>
            </main>
          )}
      </div>
    </>
  );
}
