import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { getStatus } from "../lib/client/http.ts";
import type { Status } from "../lib/domain/statuses.ts";
import type { Change, TaskState } from "../lib/domain/task_state.ts";
import type { TaskIdentity } from "../lib/domain/task_identity.ts";
import type { UpdateAccess } from "../lib/domain/update_access.ts";
import {
  type AdminAction,
  adminReducer,
  type AdminState,
  describeUpdateError,
  keepToken,
  planChoice,
  readToken,
} from "../lib/ui/admin.ts";
import { indicatorOf, visibleRetryIn } from "../lib/ui/connection.ts";
import { refreshEvery } from "../lib/ui/format.ts";
import { historyLines } from "../lib/ui/history.ts";
import {
  initialLiveState,
  type LiveAction,
  type LiveEvent,
  liveReducer,
} from "../lib/ui/live_state.ts";
import { runLivePoll } from "../lib/ui/live_poll.ts";
import {
  alertTitle,
  notificationText,
  type NotifyWay,
  notifyWay,
  shouldNotify,
} from "../lib/ui/notify.ts";
import { TASK_PEER_PARSERS, type TaskSync } from "../lib/ui/peer_data.ts";
import { copyFieldOf } from "../lib/ui/copy.ts";
import { sendUpdate } from "../lib/ui/send_update.ts";
import { joinSharedPoll, type SharedPoll } from "../lib/ui/shared_poll.ts";
import { faviconHref, pageTitle } from "../lib/ui/status_look.ts";
import { currentRun } from "../lib/ui/timeline.ts";
import { AdminPanel } from "../components/AdminPanel.tsx";
import { ConnectionIndicator } from "../components/ConnectionIndicator.tsx";
import { ConnectionJournal } from "../components/ConnectionJournal.tsx";
import { HistoryList } from "../components/HistoryList.tsx";
import { NotifyButton } from "../components/NotifyButton.tsx";
import { StatusHero } from "../components/StatusHero.tsx";
import type { TokenDialog } from "../components/TokenDialog.tsx";

/** What the server rendered the page with. */
export interface StatusLiveProps {
  task: TaskIdentity;
  initial: TaskState;
  /** The kept changes, oldest first. */
  history: Change[];
  access: UpdateAccess;
  /** Viewer mode: the status fills the screen, no admin panel. */
  tv: boolean;
  /** The server's clock at render time (ms), so that times read the same before and after hydration. */
  renderedAt: number;
  /** Where the task's API is: `/` for `default`, `/tasks/{id}/` otherwise. */
  base: string;
  /** The page's own address (the tag of its notifications). */
  pageUrl: string;
}

function session(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

/** A short tone, for viewers who asked to be told but get no notifications. */
function beep(audio: AudioContext | undefined): void {
  if (!audio) return;
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = 880;
  gain.gain.value = 0.15;
  tone.connect(gain).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.35);
}

/** A task's live page: identity, status, run, admin panel, history, sharing. */
export default function StatusLive(props: StatusLiveProps) {
  const { task, base, tv } = props;
  const live = useSignal(initialLiveState(props.initial, props.history));
  const admin = useSignal<AdminState>({});
  const now = useSignal(props.renderedAt);
  const visible = useSignal(true);
  const notify = useSignal<NotifyWay | undefined>(undefined);
  const alerting = useSignal(false);
  const tokenKept = useSignal(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const lastControl = useRef<HTMLElement | null>(null);
  const shared = useRef<SharedPoll>();
  const audio = useRef<AudioContext>();
  // Loaded the first time a token is asked for: most viewers never need it.
  const Dialog = useSignal<typeof TokenDialog | undefined>(undefined);

  const apply = (action: LiveAction) => {
    live.value = liveReducer(live.value, action);
  };
  const act = (action: AdminAction) => {
    admin.value = adminReducer(admin.value, action);
  };
  const refocus = () => lastControl.current?.focus();

  // The poll (this tab's or the leader's), and the browser's own signals.
  useEffect(() => {
    const stop = new AbortController();
    now.value = Date.now();
    visible.value = document.visibilityState === "visible";
    tokenKept.value = readToken(session()) !== undefined;
    apply({ type: "network", online: navigator.onLine, at: Date.now() });
    const onEvent = (event: LiveEvent) => {
      apply({ type: "event", event, at: Date.now() });
      if (event.type === "connected") act({ type: "connected" });
    };
    shared.current = joinSharedPoll<LiveEvent, TaskSync>(
      `task-status:poll:${base}`,
      {
        // Always from the state shown: the first answer brings the changes
        // made since the page was rendered, each with its source.
        lead: (signal, publish) =>
          runLivePoll(base, { signal, publish, initial: live.value.task }),
        apply: onEvent,
        adopt: (sync) => apply({ type: "adopt", ...sync }),
        current: () => {
          const { task, history, connection } = live.value;
          return { task, history: [...history], connection };
        },
        parsers: TASK_PEER_PARSERS,
      },
      stop.signal,
      navigator.locks,
    );
    const onOnline = () => {
      apply({ type: "network", online: true, at: Date.now() });
      shared.current?.wake();
    };
    const onOffline = () =>
      apply({ type: "network", online: false, at: Date.now() });
    const onVisibility = () => {
      visible.value = document.visibilityState === "visible";
      if (visible.value) {
        alerting.value = false;
        if (live.value.connection.kind === "reconnecting") {
          shared.current?.wake();
        }
      }
    };
    // The page's "Copier" buttons, rendered by the server.
    const onClick = (event: MouseEvent) => {
      const button = (event.target as Element).closest<HTMLElement>(
        "[data-copy]",
      );
      if (button) copyFieldOf(button);
    };
    addEventListener("online", onOnline);
    addEventListener("offline", onOffline);
    document.addEventListener("visibilitychange", onVisibility);
    document.addEventListener("click", onClick);
    return () => {
      stop.abort();
      removeEventListener("online", onOnline);
      removeEventListener("offline", onOffline);
      document.removeEventListener("visibilitychange", onVisibility);
      document.removeEventListener("click", onClick);
    };
  }, []);

  const state = live.value;
  const { status, updatedAt, version } = state.task;
  const { connection } = state;

  // A viewer who asked is told when the task ends while they look elsewhere.
  const shownStatus = useRef(status);
  useEffect(() => {
    const before = shownStatus.current;
    shownStatus.current = status;
    const hidden = document.visibilityState === "hidden";
    if (!shouldNotify(before, status, notify.value !== undefined, hidden)) {
      return;
    }
    if (notify.value === "notification") {
      const { title, body } = notificationText(status, task.name);
      new Notification(title, { body, tag: props.pageUrl });
    } else {
      beep(audio.current);
      alerting.value = true;
    }
  }, [status]);

  // The page's colour, the title and favicon of a background tab, the badge.
  useEffect(() => {
    document.title = alerting.value
      ? alertTitle(status, task.name)
      : pageTitle(status, task.name);
    const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (icon) icon.href = faviconHref(status);
    document.getElementById("page")?.setAttribute("data-tone", status);
    const badge = document.querySelector<HTMLImageElement>("#badge-preview");
    if (badge) badge.src = badge.src.replace(/(\?.*)?$/, `?v=${version}`);
  }, [status, version, alerting.value]);

  // Ticks only as often as the texts on screen need.
  const pending = admin.value.pending;
  useEffect(() => {
    const every = pending
      ? (pending.dueAt - Date.now()) % 1000 || 1000
      : state.cutSince !== undefined || connection.kind === "reconnecting"
      ? 1_000
      : refreshEvery(Date.now() - Date.parse(updatedAt));
    const timer = setTimeout(() => now.value = Date.now(), every);
    return () => clearTimeout(timer);
  }, [now.value, connection.kind, state.cutSince, updatedAt, pending]);

  // A server that was away is tried again within seconds while the tab is seen.
  useEffect(() => {
    const wait = visibleRetryIn(connection, visible.value, Date.now());
    if (wait === undefined) return;
    const timer = setTimeout(() => shared.current?.wake(), wait);
    return () => clearTimeout(timer);
  }, [connection, visible.value]);

  const submit = async (chosen: Status, expected: number, typed?: string) => {
    const token = typed ?? readToken(session());
    act({ type: "send", status: chosen });
    try {
      await sendUpdate(base, chosen, { token, expectedVersion: expected });
      if (typed !== undefined) {
        keepToken(session(), typed);
        tokenKept.value = true;
      }
      act({ type: "sent" });
    } catch (error) {
      const failure = describeUpdateError(error);
      if (failure.kind === "token" && token !== undefined) {
        failure.refused = true;
        if (typed === undefined) {
          // The token kept in this tab is no longer the server's.
          keepToken(session(), "");
          tokenKept.value = false;
        }
      }
      act({ type: "failed", status: chosen, version: expected, failure });
      if (failure.kind === "conflict") {
        // Show the newer state now, whatever the poll is doing.
        getStatus(base).then((fresh) =>
          apply({
            type: "event",
            event: {
              type: "snapshot",
              state: {
                status: fresh.status,
                version: fresh.version,
                epoch: fresh.epoch,
                updatedAt: fresh.updatedAt,
              },
            },
            at: Date.now(),
          })
        ).catch(() => {
          // The poll will bring it.
        });
      }
    }
  };

  // The token dialog follows the panel's state; the focus goes back to the button used.
  const dialogFor = admin.value.dialog;
  useEffect(() => {
    if (dialogFor && !Dialog.value) {
      import("../components/TokenDialog.tsx").then((module) =>
        Dialog.value = module.TokenDialog
      );
    }
    const box = dialog.current;
    if (!box) return;
    if (dialogFor && !box.open) {
      box.returnValue = "";
      box.showModal();
    } else if (dialogFor?.error) {
      box.querySelector("input")?.select();
    } else if (!dialogFor && box.open) {
      box.close("ok");
      refocus();
    }
  }, [dialogFor, Dialog.value]);

  // A final status waits, then goes; Escape takes it back.
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => {
      if (document.activeElement?.id === "undo") refocus();
      submit(pending.status, pending.version);
    }, pending.dueAt - Date.now());
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") cancel();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("keydown", onKey);
    };
  }, [pending]);

  const cancel = () => {
    act({ type: "cancel" });
    refocus();
  };

  const choose = (chosen: Status, button: HTMLElement) => {
    lastControl.current = button;
    const plan = planChoice(admin.value, chosen, status);
    if (plan === "arm") {
      act({ type: "arm", status: chosen, version, at: Date.now() });
      now.value = Date.now();
    } else if (plan === "send") {
      submit(chosen, version);
    }
  };

  const onNotify = async () => {
    if (notify.value !== undefined) {
      notify.value = undefined;
      return;
    }
    let permission = typeof Notification === "function"
      ? Notification.permission
      : undefined;
    if (permission === "default") {
      permission = await Notification.requestPermission();
    }
    notify.value = notifyWay(permission);
    if (notify.value === "sound" && typeof AudioContext === "function") {
      // Made during the click: browsers let only a page the reader touched play sound.
      audio.current ??= new AudioContext();
    }
  };

  // On a wall screen the whole page is the status: it is what dims.
  const stale = state.cutSince !== undefined;
  useEffect(() => {
    if (tv) {
      document.getElementById("page")?.classList.toggle(
        "grayscale-[.85]",
        stale,
      );
    }
  }, [stale]);
  const last = state.history.at(-1);
  const run = last?.version === version
    // Cut off, the run is only known up to the last contact.
    ? currentRun(state.history, state.cutSince ?? now.value)
    : undefined;
  const hero = (
    <StatusHero
      status={status}
      version={version}
      since={Date.parse(updatedAt)}
      now={now.value}
      run={run}
      cutSince={state.cutSince}
      tv={tv}
      onRetry={() => shared.current?.wake()}
      indicator={
        <ConnectionIndicator
          indicator={indicatorOf(
            connection,
            state.online,
            now.value,
            visible.value,
          )}
        />
      }
    >
      {!tv && <NotifyButton way={notify.value} onToggle={onNotify} />}
    </StatusHero>
  );
  if (tv) return hero;

  return (
    <div class="space-y-6">
      {hero}
      <AdminPanel
        access={props.access}
        current={status}
        admin={admin.value}
        now={now.value}
        tokenKept={tokenKept.value}
        onChoose={choose}
        onCancel={cancel}
        onForget={() => {
          keepToken(session(), "");
          tokenKept.value = false;
          document.getElementById("admin-title")?.focus();
        }}
      />
      <HistoryList
        lines={historyLines(state.history, version)}
        version={version}
        now={now.value}
      />
      <ConnectionJournal entries={state.journal} />
      {Dialog.value && (
        <Dialog.value
          dialogRef={dialog}
          status={dialogFor?.status}
          error={dialogFor?.error}
          checking={dialogFor !== undefined &&
            admin.value.sending !== undefined}
          onSubmit={(typed) => {
            if (dialogFor) submit(dialogFor.status, dialogFor.version, typed);
          }}
          onCancel={() => {
            act({ type: "dismiss" });
            refocus();
          }}
        />
      )}
    </div>
  );
}
