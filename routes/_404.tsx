import type { Handler } from "$fresh/server.ts";
import { Head } from "$fresh/runtime.ts";
import { isApiPath } from "../lib/http/api_paths.ts";
import { errorResponse } from "../lib/http/responses.ts";

export const handler: Handler = (request, ctx) => {
  const { pathname } = new URL(request.url);
  return isApiPath(pathname)
    ? errorResponse(404, `no such endpoint: ${pathname}`)
    : ctx.render();
};

export default function NotFound() {
  return (
    <>
      <Head>
        <title>Page introuvable — Statut de la tâche</title>
      </Head>
      <main class="min-h-screen grid place-items-center p-6 text-center">
        <div>
          <p class="text-6xl font-bold text-slate-300 dark:text-slate-600">
            404
          </p>
          <h1 class="mt-4 text-2xl font-semibold">Page introuvable</h1>
          <p class="mt-2 text-slate-600 dark:text-slate-300">
            Cette adresse ne mène nulle part.
          </p>
          <a
            href="/"
            class="mt-6 inline-block rounded-lg bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          >
            Retour au statut
          </a>
        </div>
      </main>
    </>
  );
}
