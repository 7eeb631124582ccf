/**
 * The task's history as the page shows it: the kept changes of the current
 * epoch, one line per change, newest first, each saying where it came from
 * and who made it; a line where changes are missing.
 */
import type { Source } from "../domain/change_source.ts";
import type { Change } from "../domain/task_state.ts";

/** Changes the page keeps, like the server (its last 100). */
export const HISTORY_CAP = 100;

/** `history` (oldest first) with `changes` merged in by version, capped to the newest {@link HISTORY_CAP}. */
export function mergeChanges(
  history: readonly Change[],
  changes: readonly Change[],
): Change[] {
  if (changes.length === 0) return history as Change[];
  const byVersion = new Map(history.map((change) => [change.version, change]));
  let added = false;
  for (const change of changes) {
    if (!byVersion.has(change.version)) {
      byVersion.set(change.version, change);
      added = true;
    }
  }
  if (!added) return history as Change[];
  return [...byVersion.values()]
    .sort((a, b) => a.version - b.version)
    .slice(-HISTORY_CAP);
}

/** A line of the history list. */
export type HistoryLine =
  | { kind: "change"; change: Change }
  /**
   * `count` changes are not shown here: the oldest ones the server no
   * longer keeps (`oldest`), or ones this page never received.
   */
  | { kind: "gap"; count: number; oldest: boolean; key: string };

/**
 * The lines of `history` (oldest first) newest first, up to the current
 * `version`: a gap line wherever versions are missing, including above the
 * newest kept change and below the oldest (down to version 1).
 */
export function historyLines(
  history: readonly Change[],
  version: number,
): HistoryLine[] {
  const lines: HistoryLine[] = [];
  let above = version + 1;
  for (let i = history.length - 1; i >= 0; i--) {
    const change = history[i];
    if (change.version >= above) continue;
    const missing = above - change.version - 1;
    if (missing > 0) {
      lines.push({
        kind: "gap",
        count: missing,
        oldest: false,
        key: `gap-${above}`,
      });
    }
    lines.push({ kind: "change", change });
    above = change.version;
  }
  if (above > 1) {
    lines.push({ kind: "gap", count: above - 1, oldest: true, key: "gap-1" });
  }
  return lines;
}

const FROM: Record<Source, string> = {
  page: "depuis la page",
  cli: "en ligne de commande",
  api: "par l'API",
};

/**
 * Where a change came from and who made it, in words: "depuis la page",
 * "par alice, en ligne de commande", "par ci-bot, par l'API".
 */
export function origin(change: Pick<Change, "source" | "actor">): string {
  const from = FROM[change.source] ?? FROM.api;
  return change.actor === undefined ? from : `par ${change.actor}, ${from}`;
}

/** How a gap reads. */
export function gapText(line: { count: number; oldest: boolean }): string {
  const what = line.count === 1 ? "1 changement" : `${line.count} changements`;
  return line.oldest
    ? `${what} plus ancien${line.count === 1 ? "" : "s"} : plus conservé${
      line.count === 1 ? "" : "s"
    } par le serveur`
    : `${what} non reçu${line.count === 1 ? "" : "s"} ici`;
}
