/** Updates to random tasks, as fast as a few connections go, keeping each task's last version. */
import { jsonBody, postJsonRequest } from "./http_wire.ts";
import { WireConnection } from "./wire_connection.ts";

const STATUSES = ["En attente", "En cours", "Terminée", "Échec"];

/** Sets each of `tasks` once (to `En cours`), so that they are stored; resolves with their versions. */
export async function storeTasks(
  port: number,
  tasks: string[],
  connections = 8,
): Promise<Record<string, number>> {
  const finals: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const connection = await WireConnection.open(port);
      try {
        while (next < tasks.length) {
          const task = tasks[next++];
          const response = await connection.exchange(
            postJsonRequest(
              `127.0.0.1:${port}`,
              `/tasks/${task}/update-status`,
              { status: "En cours" },
            ),
          );
          if (response.status !== 200) {
            throw new Error(`storing ${task} answered ${response.status}`);
          }
          finals[task] = (jsonBody(response) as { version: number }).version;
        }
      } finally {
        connection.close();
      }
    }),
  );
  return finals;
}

/** What a run of updates did. */
export interface UpdateRun {
  /** Updates that changed a status. */
  changed: number;
  /** Answers other than 200, by status. */
  failed: Record<string, number>;
  /** The last version of each task updated (merge with the versions before). */
  finals: Record<string, number>;
  elapsedMs: number;
}

/**
 * Sends updates to random tasks of `tasks` on `connections` keep-alive
 * connections until `until()` says stop, each to a status its task did not
 * have in the last answer seen for it.
 */
export async function updateRandomly(
  port: number,
  tasks: string[],
  until: () => boolean,
  connections = 4,
  random: () => number = Math.random,
): Promise<UpdateRun> {
  const finals: Record<string, number> = {};
  const statusOf = new Map<string, string>();
  const failed: Record<string, number> = {};
  let changed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const connection = await WireConnection.open(port);
      try {
        while (!until()) {
          const task = tasks[Math.floor(random() * tasks.length)];
          const now = statusOf.get(task) ?? "En cours";
          const choices = STATUSES.filter((status) => status !== now);
          const status = choices[Math.floor(random() * choices.length)];
          const response = await connection.exchange(
            postJsonRequest(
              `127.0.0.1:${port}`,
              `/tasks/${task}/update-status`,
              { status, source: "api", actor: "bench" },
            ),
          );
          if (response.status !== 200) {
            const key = String(response.status);
            failed[key] = (failed[key] ?? 0) + 1;
            continue;
          }
          const answer = jsonBody(response) as {
            version: number;
            status: string;
            message: string;
          };
          statusOf.set(task, answer.status);
          if (answer.version > (finals[task] ?? 0)) {
            finals[task] = answer.version;
          }
          if (answer.message === "Statut mis à jour avec succès") changed++;
        }
      } finally {
        connection.close();
      }
    }),
  );
  return { changed, failed, finals, elapsedMs: performance.now() - started };
}
