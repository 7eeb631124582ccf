import { Head } from "$fresh/runtime.ts";
import type { TaskState } from "../lib/domain/task_state.ts";
import type { TaskIdentity } from "../lib/domain/task_identity.ts";
import { moment } from "../lib/ui/format.ts";
import TaskBoard from "../islands/TaskBoard.tsx";

/** What the board is rendered from. */
export interface BoardPageProps {
  cards: { task: TaskIdentity; state: TaskState }[];
  /** The `after` of the next page of tasks, when there is one. */
  next?: string;
  url: URL;
  renderedAt: number;
}

/**
 * The board (`/tasks`): every stored task as a card, live through one
 * multi-task poll; with no task, a plain page without any script.
 */
export function BoardPage(props: BoardPageProps) {
  const { cards, next, renderedAt } = props;
  return (
    <>
      <Head>
        <title>Tâches</title>
        <meta
          name="description"
          content="Le statut de chaque tâche, en direct."
        />
        <meta property="og:type" content="website" />
        <meta property="og:title" content="Tâches" />
        <meta
          property="og:description"
          content="Le statut de chaque tâche, en direct."
        />
        <meta property="og:url" content={new URL("/tasks", props.url).href} />
      </Head>
      <noscript>
        <p class="bg-amber-100 px-4 py-3 text-center text-amber-950 dark:bg-amber-900 dark:text-amber-50">
          JavaScript est désactivé : voici les statuts à{" "}
          {moment(renderedAt, renderedAt)}{" "}
          (heure du serveur). Rechargez la page pour les voir à jour.
        </p>
      </noscript>
      <main class="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 sm:py-12">
        <h1 class="text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl dark:text-white">
          Tâches
        </h1>
        <div class="mt-6">
          {cards.length === 0
            ? (
              <p
                id="board-empty"
                class="rounded-3xl border-2 border-dashed border-slate-300 px-6 py-10 text-center text-slate-700 dark:border-slate-600 dark:text-slate-200"
              >
                Aucune tâche enregistrée pour l'instant : une tâche apparaît ici
                à son premier changement (
                <code class="font-mono">POST /tasks/ID/update-status</code>). La
                tâche par défaut est sur{" "}
                <a href="/" class="font-semibold underline">
                  la page d'accueil
                </a>.
              </p>
            )
            : <TaskBoard cards={cards} renderedAt={renderedAt} />}
        </div>
        {next !== undefined && (
          <p class="mt-8 text-center">
            <a
              id="board-next"
              href={`/tasks?after=${encodeURIComponent(next)}`}
              class="font-semibold text-indigo-700 underline underline-offset-4 dark:text-indigo-300"
            >
              Tâches suivantes →
            </a>
          </p>
        )}
      </main>
    </>
  );
}
