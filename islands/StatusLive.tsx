import { useEffect, useReducer, useRef, useState } from "preact/hooks";
import { updateStatus } from "../lib/client/mod.ts";
import type { TaskState } from "../lib/domain/task_state.ts";
import type { Status } from "../lib/domain/statuses.ts";
import { describeUpdateError, keepToken, readToken } from "../lib/ui/admin.ts";
import { indicatorOf } from "../lib/ui/connection.ts";
import { refreshEvery } from "../lib/ui/format.ts";
import { initialLiveState, liveReducer } from "../lib/ui/live_state.ts";
import { runLivePoll } from "../lib/ui/live_poll.ts";
import { joinSharedPoll } from "../lib/ui/shared_poll.ts";
import { faviconHref, pageTitle, STATUS_LOOKS } from "../lib/ui/status_look.ts";
import { ActivityLog } from "../components/ActivityLog.tsx";
import { AdminPanel } from "../components/AdminPanel.tsx";
import { ConnectionIndicator } from "../components/ConnectionIndicator.tsx";
import { RelativeTime } from "../components/RelativeTime.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { TokenDialog } from "../components/TokenDialog.tsx";

/** The lock and channel the tabs of this page share. */
const SHARED_NAME = "task-status:poll";

/** What the server rendered the page with. */
export interface StatusLiveProps {
  initial: TaskState;
  /** The server's clock at render time (ms), so "il y a …" reads the same before and after hydration. */
  renderedAt: number;
}

function session(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The live status card: status, connection, admin panel and activity log. */
export default function StatusLive({ initial, renderedAt }: StatusLiveProps) {
  const [state, dispatch] = useReducer(liveReducer, initial, initialLiveState);
  const [now, setNow] = useState(renderedAt);
  const [busy, setBusy] = useState<readonly Status[]>([]);
  const [adminError, setAdminError] = useState<string>();
  const [tokenMessage, setTokenMessage] = useState("jeton requis");
  const latest = useRef(state);
  latest.current = state;
  const dialog = useRef<HTMLDialogElement>(null);
  const awaitingToken = useRef<Status>();

  // The poll (this tab's or the leader's), and the browser's own signals.
  useEffect(() => {
    const stop = new AbortController();
    const base = new URL("/", location.href).href;
    setNow(Date.now());
    dispatch({ type: "network", online: navigator.onLine, at: Date.now() });
    const shared = joinSharedPoll(
      SHARED_NAME,
      {
        lead: (signal, publish, resume) =>
          runLivePoll(base, {
            signal,
            publish,
            initial: resume ? latest.current.task : undefined,
          }),
        apply: (event) => dispatch({ type: "event", event, at: Date.now() }),
        adopt: (task, connection) => {
          dispatch({
            type: "event",
            event: { type: "snapshot", state: task },
            at: Date.now(),
          });
          dispatch({ type: "connection", connection });
        },
        current: () => ({
          task: latest.current.task,
          connection: latest.current.connection,
        }),
      },
      stop.signal,
      navigator.locks,
    );

    const onOnline = () => {
      dispatch({ type: "network", online: true, at: Date.now() });
      shared.wake();
    };
    const onOffline = () =>
      dispatch({ type: "network", online: false, at: Date.now() });
    const onVisibility = () => {
      if (
        document.visibilityState === "visible" &&
        latest.current.connection.kind === "reconnecting"
      ) {
        shared.wake();
      }
    };
    addEventListener("online", onOnline);
    addEventListener("offline", onOffline);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stop.abort();
      removeEventListener("online", onOnline);
      removeEventListener("offline", onOffline);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, []);

  // A background tab shows the state in its title and favicon.
  const { status } = state.task;
  useEffect(() => {
    document.title = pageTitle(status);
    const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (icon) icon.href = faviconHref(status);
  }, [status]);

  // Ticks only as often as the texts on screen need.
  const { kind } = state.connection;
  const { updatedAt } = state.task;
  useEffect(() => {
    const every = kind === "reconnecting"
      ? 1_000
      : refreshEvery(Date.now() - Date.parse(updatedAt));
    const timer = setTimeout(() => setNow(Date.now()), every);
    return () => clearTimeout(timer);
  }, [now, kind, updatedAt]);

  const choose = async (chosen: Status, token = readToken(session())) => {
    setBusy((list) => [...list, chosen]);
    try {
      const answer = await updateStatus(new URL("/", location.href), chosen, {
        token,
        expectedVersion: latest.current.task.version,
      });
      setAdminError(undefined);
      dispatch({
        type: "admin",
        status: chosen,
        ok: true,
        message: answer.message,
        version: answer.version,
        at: Date.now(),
      });
    } catch (error) {
      const failure = describeUpdateError(error, token !== undefined);
      if (failure.needsToken) {
        awaitingToken.current = chosen;
        setTokenMessage(
          failure.message.charAt(0).toUpperCase() + failure.message.slice(1),
        );
        if (token !== undefined) {
          dispatch({
            type: "admin",
            status: chosen,
            ok: false,
            message: failure.message,
            at: Date.now(),
          });
        }
        if (dialog.current && !dialog.current.open) {
          dialog.current.returnValue = "";
          dialog.current.showModal();
        }
      } else {
        setAdminError(`« ${chosen} » : ${failure.message}`);
        dispatch({
          type: "admin",
          status: chosen,
          ok: false,
          message: failure.message,
          at: Date.now(),
        });
      }
    } finally {
      setBusy((list) => list.filter((s) => s !== chosen));
    }
  };

  const onToken = (token: string | undefined) => {
    const chosen = awaitingToken.current;
    awaitingToken.current = undefined;
    if (chosen === undefined) return;
    if (token === undefined || token === "") {
      setAdminError(`« ${chosen} » : annulé, jeton d'administration requis`);
      dispatch({
        type: "admin",
        status: chosen,
        ok: false,
        message: "annulé, jeton d'administration requis",
        at: Date.now(),
      });
      return;
    }
    keepToken(session(), token);
    choose(chosen, token);
  };

  const look = STATUS_LOOKS[status];
  return (
    <div class="overflow-hidden rounded-3xl bg-white shadow-xl shadow-slate-900/10 ring-1 ring-slate-900/5 dark:bg-slate-800 dark:shadow-black/40 dark:ring-white/10">
      <div
        class={`h-1.5 bg-gradient-to-r transition-colors motion-reduce:transition-none ${look.band}`}
        aria-hidden="true"
      />
      <div class="space-y-8 p-5 sm:p-8">
        <section aria-labelledby="status-title">
          <div class="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
            <h2
              id="status-title"
              class="text-sm font-semibold uppercase tracking-wider text-slate-600 dark:text-slate-300"
            >
              Statut actuel
            </h2>
            <ConnectionIndicator
              indicator={indicatorOf(state.connection, state.online, now)}
            />
          </div>
          <div class="mt-4" key={`${state.task.epoch}:${state.task.version}`}>
            <StatusBadge status={status} />
          </div>
          <p class="mt-3 text-slate-700 dark:text-slate-200">{look.caption}</p>
          <p
            id="status-meta"
            class="mt-2 text-sm text-slate-600 dark:text-slate-300"
          >
            Version{" "}
            <span class="font-semibold tabular-nums">{state.task.version}</span>
            {" · mis à jour "}
            <RelativeTime iso={updatedAt} now={now} />
          </p>
        </section>
        <hr class="border-slate-200 dark:border-slate-700" />
        <AdminPanel
          current={status}
          busy={busy}
          error={adminError}
          onChoose={(chosen) => choose(chosen)}
        />
        <hr class="border-slate-200 dark:border-slate-700" />
        <ActivityLog
          entries={state.log}
          onClear={() => dispatch({ type: "clear" })}
        />
      </div>
      <TokenDialog
        dialogRef={dialog}
        message={tokenMessage}
        onClose={onToken}
      />
    </div>
  );
}
