import type { Change } from "../lib/domain/task_state.ts";
import {
  clockTime,
  DAY,
  duration,
  shortDate,
  shortTime,
} from "../lib/ui/format.ts";
import { gapText, type HistoryLine, origin } from "../lib/ui/history.ts";

/** Lines shown before "plus anciens". */
export const FIRST_LINES = 8;

function When(props: { at: number; now: number }) {
  const { at, now } = props;
  const old = now - at >= DAY;
  return (
    <time
      dateTime={new Date(at).toISOString()}
      class="w-[4.75rem] shrink-0 pt-0.5 text-sm tabular-nums muted"
    >
      {old
        ? (
          <>
            <span class="block">{shortDate(at, now)}</span>
            {shortTime(at)}
          </>
        )
        : clockTime(at)}
    </time>
  );
}

function Line(props: { line: HistoryLine; next?: Change; now: number }) {
  const { line, now } = props;
  if (line.kind === "gap") {
    return (
      <li
        data-gap={line.count}
        class="py-2.5 pl-[5.75rem] text-sm italic muted"
      >
        {gapText(line)}
      </li>
    );
  }
  const { change } = line;
  const at = Date.parse(change.at);
  const lasted = props.next ? Date.parse(props.next.at) - at : undefined;
  return (
    <li
      data-version={change.version}
      data-source={change.source}
      class="flex items-start gap-4 py-2.5 motion-safe:animate-[log-in_300ms_ease-out]"
    >
      <When at={at} now={now} />
      <span
        data-tone={change.status}
        class="mt-1.5 h-3 w-3 shrink-0 rounded-full bg-[color:var(--tone)] dark:bg-[color:var(--ink)]"
        aria-hidden="true"
      />
      <span class="min-w-0 flex-1">
        <span class="block font-semibold strong">
          {change.status}
        </span>
        <span class="block text-sm muted">
          {origin(change)}
          {lasted !== undefined && ` · a duré ${duration(lasted)}`}
          {` · version ${change.version}`}
        </span>
      </span>
    </li>
  );
}

/**
 * The task's changes, newest first, one line each with its time (and date
 * when more than a day old), its status, where it came from and who made
 * it; older lines behind a "plus anciens" disclosure that works without a
 * script.
 */
export function HistoryList(
  props: { lines: HistoryLine[]; version: number; now: number },
) {
  const { lines, now } = props;
  // The change after each change line (newer), to say how long it lasted.
  const nextOf = new Map<number, Change>();
  let newer: Change | undefined;
  for (const line of lines) {
    if (line.kind === "change") {
      if (newer) nextOf.set(line.change.version, newer);
      newer = line.change;
    } else newer = undefined;
  }
  const render = (line: HistoryLine) => (
    <Line
      key={line.kind === "gap" ? line.key : line.change.version}
      line={line}
      next={line.kind === "change"
        ? nextOf.get(line.change.version)
        : undefined}
      now={now}
    />
  );
  const first = lines.slice(0, FIRST_LINES);
  const rest = lines.slice(FIRST_LINES);
  const LIST = "divide-y divide-slate-100 dark:divide-slate-700";
  return (
    <section aria-labelledby="history-title" class="card">
      <div class="flex items-baseline justify-between gap-4">
        <h2
          id="history-title"
          class="text-lg font-semibold strong"
        >
          Historique
        </h2>
        <span
          id="status-version"
          class="text-sm muted"
        >
          version {props.version}
        </span>
      </div>
      {lines.length === 0
        ? (
          <p class="mt-2 muted">
            Aucun changement pour l'instant.
          </p>
        )
        : (
          <>
            <ol
              id="history"
              aria-label="Changements, le plus récent en premier"
              class={`mt-3 ${LIST}`}
            >
              {first.map(render)}
            </ol>
            {rest.length > 0 && (
              <details id="history-older" class="mt-1">
                <summary class="cursor-pointer rounded-lg py-2 font-semibold text-indigo-700 hover:text-indigo-900 focus-ring dark:text-indigo-300">
                  {rest.length} lignes plus anciennes
                </summary>
                <ol
                  aria-label="Changements plus anciens"
                  class={LIST}
                >
                  {rest.map(render)}
                </ol>
              </details>
            )}
          </>
        )}
    </section>
  );
}
