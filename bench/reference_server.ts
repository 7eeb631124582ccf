/**
 * The smallest correct get/update/poll server on bare `Deno.serve`: the
 * yardstick the benchmark holds the app against. Same wire shapes as the
 * contract for the three endpoints, nothing else (no limits, no metrics).
 */
const STATUSES = ["En attente", "En cours", "Terminée", "Échec"];
const HOLD_MS = Number(Deno.env.get("POLL_TIMEOUT_MS") ?? 25_000);
const epoch = crypto.randomUUID();
const stamp = (status: string, version: number) => ({
  status,
  version,
  epoch,
  updatedAt: new Date().toISOString(),
});
let state = stamp(STATUSES[0], 0);
const waiters = new Set<() => void>();

const json = (body: unknown, status = 200, etag?: string) =>
  new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-status-version": String(state.version),
      ...(etag && { etag }),
    },
  });

function getStatus(request: Request): Response {
  const etag = `"${epoch}.${state.version}"`;
  const known = request.headers.get("if-none-match");
  if (known !== null && known.split(",").some((t) => t.trim() === etag)) {
    return new Response(null, { status: 304, headers: { etag } });
  }
  return json(state, 200, etag);
}

function poll(url: URL, signal: AbortSignal): Response | Promise<Response> {
  const raw = url.searchParams.get("last_version");
  if (raw === null) return json(state);
  const last = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(last)) {
    return json({ error: "last_version must be a non-negative integer" }, 400);
  }
  const asked = url.searchParams.get("epoch");
  if ((asked ?? epoch) !== epoch || last > state.version) {
    return json({ ...state, reset: true });
  }
  if (last < state.version) return json(state);
  return new Promise((resolve) => {
    const finish = (response: Response) => {
      clearTimeout(timer);
      waiters.delete(wake);
      signal.removeEventListener("abort", drop);
      resolve(response);
    };
    const wake = () => finish(json(state));
    const drop = () => finish(new Response(null, { status: 499 }));
    const timer = setTimeout(
      () => finish(json({ ...state, timeout: true })),
      HOLD_MS,
    );
    waiters.add(wake);
    signal.addEventListener("abort", drop);
  });
}

async function update(request: Request): Promise<Response> {
  const body: unknown = await request.json().catch(() => null);
  const wanted = (body as { status?: unknown } | null)?.status;
  const status = typeof wanted === "string" ? wanted.normalize("NFC") : "";
  if (!STATUSES.includes(status)) {
    return json({ error: "unknown status", allowed: STATUSES }, 400);
  }
  if (status === state.status) {
    return json({ message: "Statut inchangé", ...state });
  }
  state = stamp(status, state.version + 1);
  for (const wake of waiters) wake(); // each wake removes itself
  return json({ message: "Statut mis à jour avec succès", ...state });
}

// Exit cleanly (not killed) on SIGTERM, so that `--cpu-prof` can write its profile.
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));

Deno.serve({
  port: Number(Deno.env.get("PORT") ?? 3000),
  hostname: Deno.env.get("HOSTNAME") ?? "127.0.0.1",
  onListen: ({ hostname, port }) =>
    console.log(`Listening on http://${hostname}:${port}/`),
}, (request) => {
  const url = new URL(request.url);
  const route = `${request.method} ${url.pathname}`;
  if (route === "GET /get-status") return getStatus(request);
  if (route === "GET /poll-status") return poll(url, request.signal);
  if (route === "POST /update-status") return update(request);
  return json({ error: "not found" }, 404);
});
