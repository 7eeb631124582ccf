import type { ComponentChildren } from "preact";
import type { Status } from "../lib/domain/statuses.ts";
import { duration, moment, timeAgo } from "../lib/ui/format.ts";
import { STATUS_ICONS } from "../lib/ui/status_look.ts";
import { barShares, type Run, timeByStatus } from "../lib/ui/timeline.ts";
import { StatusGlyph } from "./Icons.tsx";

/** What the big status block shows. */
export interface StatusHeroProps {
  status: Status;
  version: number;
  /** When the status was set (ms since the epoch). */
  since: number;
  now: number;
  /** The current run, for the timeline bar (none before the first change). */
  run?: Run;
  /** When the page lost touch with the server: the status is only the last one known. */
  cutSince?: number;
  /** Fills the screen (viewer mode). */
  tv: boolean;
  /** Retries the poll at once. */
  onRetry?: () => void;
  /** The connection indicator, top right. */
  indicator: ComponentChildren;
  /** Controls at the bottom ("me prévenir"). */
  children?: ComponentChildren;
}

/**
 * The status, as large as the space allows, in its colour (set by
 * `data-tone` above), with how long it has held and a bar of the current
 * run; dimmed, still and marked as the last known value when cut off.
 * Text that goes stale without a script (relative times) is hidden then.
 */
export function StatusHero(props: StatusHeroProps) {
  const { status, since, now, run, tv, cutSince } = props;
  const stale = cutSince !== undefined;
  return (
    <section
      id="hero"
      aria-label="Statut actuel"
      data-stale={stale || undefined}
      class={`transition motion-reduce:transition-none ${
        stale ? "grayscale-[.85]" : ""
      } ${
        tv
          ? "flex flex-1 flex-col items-center justify-center gap-[4vmin] text-center"
          : "rounded-[2rem] bg-[color:var(--tone)] px-5 py-6 text-white shadow-xl shadow-slate-900/10 sm:px-10 sm:py-8"
      }`}
    >
      <div
        class={tv
          ? "absolute right-[4vmin] top-[4vmin]"
          : "mb-4 flex justify-end"}
      >
        {props.indicator}
      </div>
      <p
        id="current-status"
        data-status={status}
        data-version={props.version}
        aria-live="polite"
        class={`flex items-center font-extrabold leading-none tracking-tight motion-safe:animate-[status-pop_500ms_cubic-bezier(0.2,0.9,0.3,1.2)] ${
          tv
            ? "gap-[0.25em] text-[min(15vw,26vh)]"
            : "gap-[0.3em] text-[clamp(2rem,11vw,5.25rem)]"
        }`}
        key={`${status}:${props.version}`}
      >
        <StatusGlyph
          icon={STATUS_ICONS[status]}
          class={`h-[0.85em] w-[0.85em] shrink-0 ${
            STATUS_ICONS[status] === "spinner" && !stale
              ? "motion-safe:animate-[spin_3s_linear_infinite]"
              : ""
          }`}
        />
        <span class="min-w-0 break-words">{status}</span>
      </p>
      {stale
        ? (
          <p
            id="stale-note"
            class={`inline-flex flex-wrap items-center gap-x-3 gap-y-2 rounded-2xl bg-slate-900/40 font-medium ${
              tv ? "px-[3vmin] py-[1.5vmin] text-[3.5vmin]" : "mt-6 px-4 py-2"
            }`}
          >
            <span>Dernière valeur connue, {timeAgo(cutSince, now)}</span>
            <button
              type="button"
              id="retry-now"
              onClick={props.onRetry}
              class="rounded-xl bg-white px-3 py-1 font-semibold text-slate-900 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white"
            >
              Réessayer maintenant
            </button>
          </p>
        )
        : (
          <p
            id="status-since"
            class={tv
              ? "text-[5vmin] font-medium"
              : "mt-4 text-xl font-medium sm:text-2xl"}
          >
            {props.version === 0 ? "Aucun changement pour l'instant" : (
              <>
                <span data-needs-js>
                  depuis {duration(now - since)},{" "}
                </span>
                depuis {moment(since, now)}
              </>
            )}
          </p>
        )}
      {run && run.segments.length > 0 && <RunBar run={run} tv={tv} />}
      {props.children}
    </section>
  );
}

/** The current run as a bar: one stretch per status, as long as it lasted, and the time in each. */
function RunBar(props: { run: Run; tv: boolean }) {
  const { run, tv } = props;
  const shares = barShares(run);
  const totals = timeByStatus(run);
  const span = duration(run.end - run.start);
  return (
    <div
      id="run"
      class={tv
        ? "w-full max-w-[80vw] text-[3vmin]"
        : "mt-8 text-sm sm:text-base"}
    >
      <div
        class={`flex gap-[3px] overflow-hidden rounded-full bg-slate-900/25 p-[3px] ${
          tv ? "h-[3.5vmin]" : "h-4"
        }`}
        aria-hidden="true"
      >
        {run.segments.map((segment, i) => (
          <span
            key={segment.from}
            data-tone={segment.status}
            class="rounded-full bg-[color:var(--glow)]"
            style={{ width: `${shares[i]}%` }}
          />
        ))}
      </div>
      <p
        class={`mt-3 flex flex-wrap gap-x-5 gap-y-1 font-medium ${
          tv ? "justify-center" : ""
        }`}
      >
        {totals.map(({ status, ms }) => (
          <span key={status} class="inline-flex items-center gap-2">
            <span
              data-tone={status}
              class="h-2.5 w-2.5 rounded-full bg-[color:var(--glow)]"
              aria-hidden="true"
            />
            {status} : {duration(ms)}
          </span>
        ))}
        {run.ended && (
          <span id="run-total" class="font-semibold">
            Durée totale : {run.partial ? "au moins " : ""}
            {span}
          </span>
        )}
      </p>
    </div>
  );
}
