import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps } from "$fresh/server.ts";
import StatusLive from "../islands/StatusLive.tsx";
import { statusService } from "../lib/app/current_service.ts";
import type { TaskState } from "../lib/domain/task_state.ts";
import { faviconHref, pageTitle } from "../lib/ui/status_look.ts";

interface HomeData {
  state: TaskState;
  renderedAt: number;
}

export const handler: Handlers<HomeData> = {
  async GET(_request, ctx) {
    const response = await ctx.render({
      state: statusService().store.hub.state,
      renderedAt: Date.now(),
    });
    // The page carries the current status: a cached copy would be a lie.
    response.headers.set("cache-control", "no-store");
    return response;
  },
};

export default function Home({ data }: PageProps<HomeData>) {
  const { state, renderedAt } = data;
  return (
    <>
      <Head>
        <title>{pageTitle(state.status)}</title>
        <link
          rel="icon"
          type="image/svg+xml"
          href={faviconHref(state.status)}
        />
        <meta
          name="description"
          content="Le statut de la tâche, mis à jour en direct."
        />
      </Head>
      <div class="min-h-screen overflow-x-hidden bg-gradient-to-br from-indigo-100 via-slate-50 to-sky-100 dark:from-slate-900 dark:via-slate-900 dark:to-indigo-900">
        <main class="mx-auto w-full max-w-2xl px-4 py-8 sm:px-6 sm:py-14">
          <header class="mb-6 sm:mb-8">
            <p class="flex items-center gap-2 text-sm font-semibold text-indigo-700 dark:text-indigo-300">
              <span
                class="grid h-7 w-7 place-items-center rounded-lg bg-indigo-600 text-white shadow-sm"
                aria-hidden="true"
              >
                <svg
                  viewBox="0 0 24 24"
                  class="h-4 w-4"
                  fill="none"
                  stroke="currentColor"
                  stroke-width="2.5"
                  stroke-linecap="round"
                  stroke-linejoin="round"
                >
                  <path d="M3 12h4l3 8 4-16 3 8h4" />
                </svg>
              </span>
              Suivi de tâche
            </p>
            <h1 class="mt-3 text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl dark:text-white">
              Statut de la tâche
            </h1>
            <p class="mt-2 text-slate-600 dark:text-slate-300">
              Cette page se met à jour d'elle-même dès que le statut change.
            </p>
          </header>
          <noscript>
            <p class="mb-4 rounded-2xl bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200 dark:bg-amber-900 dark:text-amber-100 dark:ring-amber-700">
              JavaScript est désactivé : voici le statut au moment du
              chargement. Rechargez la page pour le voir à jour.
            </p>
          </noscript>
          <StatusLive initial={state} renderedAt={renderedAt} />
          <footer class="mt-8 text-center text-xs text-slate-600 dark:text-slate-400">
            Mises à jour en direct par long polling — un seul onglet interroge
            le serveur pour tous les autres.
          </footer>
        </main>
      </div>
    </>
  );
}
