import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { TaskState } from "../lib/domain/task_state.ts";
import type { TaskIdentity } from "../lib/domain/task_identity.ts";
import { runBoardPoll } from "../lib/ui/board_poll.ts";
import {
  type BoardAction,
  type BoardEvent,
  boardReducer,
  countByStatus,
  initialBoardState,
} from "../lib/ui/board_state.ts";
import { indicatorOf, visibleRetryIn } from "../lib/ui/connection.ts";
import { timeAgo } from "../lib/ui/format.ts";
import { BOARD_PEER_PARSERS, type BoardSync } from "../lib/ui/board_peer.ts";
import { joinSharedPoll, type SharedPoll } from "../lib/ui/shared_poll.ts";
import { ConnectionIndicator } from "../components/ConnectionIndicator.tsx";
import { TaskCard } from "../components/TaskCard.tsx";

/** What the server rendered the board with. */
export interface TaskBoardProps {
  cards: { task: TaskIdentity; state: TaskState }[];
  /** The server's clock at render time (ms). */
  renderedAt: number;
}

/** The board: every task as a card, kept live by one poll for all of them. */
export default function TaskBoard(props: TaskBoardProps) {
  const board = useSignal(
    initialBoardState(
      Object.fromEntries(props.cards.map((c) => [c.task.id, c.state])),
    ),
  );
  const now = useSignal(props.renderedAt);
  const visible = useSignal(true);
  const shared = useRef<SharedPoll>();
  const apply = (action: BoardAction) => {
    board.value = boardReducer(board.value, action);
  };

  useEffect(() => {
    const stop = new AbortController();
    now.value = Date.now();
    apply({ type: "network", online: navigator.onLine, at: Date.now() });
    shared.current = joinSharedPoll<BoardEvent, BoardSync>(
      "task-status:board",
      {
        lead: (signal, publish) =>
          runBoardPoll("/", {
            signal,
            publish,
            ids: props.cards.map((card) => card.task.id),
          }),
        apply: (event) => apply({ type: "event", event }),
        adopt: (sync) => apply({ type: "adopt", ...sync }),
        current: () => ({
          states: board.value.states,
          connection: board.value.connection,
        }),
        parsers: BOARD_PEER_PARSERS,
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
      if (visible.value) shared.current?.wake();
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

  const { states, connection, online, cutSince } = board.value;

  // Durations on the cards read in minutes: a tick every 15 s is enough.
  useEffect(() => {
    const timer = setTimeout(
      () => now.value = Date.now(),
      cutSince === undefined ? 15_000 : 1_000,
    );
    return () => clearTimeout(timer);
  }, [now.value, cutSince]);

  useEffect(() => {
    const wait = visibleRetryIn(connection, visible.value, Date.now());
    if (wait === undefined) return;
    const timer = setTimeout(() => shared.current?.wake(), wait);
    return () => clearTimeout(timer);
  }, [connection, visible.value]);

  return (
    <div class="space-y-6">
      <div class="flex flex-wrap items-center justify-between gap-3">
        <p id="board-summary" class="flex flex-wrap gap-2">
          {countByStatus(states).map(({ status, count }) => (
            <span
              key={status}
              data-tone={status}
              class="inline-flex items-center gap-2 rounded-full bg-white px-3 py-1 font-semibold text-[color:var(--ink)] ring-1 ring-slate-900/10 dark:bg-slate-800 dark:ring-white/10"
            >
              <span
                class="h-2.5 w-2.5 rounded-full bg-[color:var(--tone)] dark:bg-[color:var(--ink)]"
                aria-hidden="true"
              />
              {count} {status.toLowerCase()}
            </span>
          ))}
        </p>
        <ConnectionIndicator
          indicator={indicatorOf(connection, online, now.value, visible.value)}
        />
      </div>
      {cutSince !== undefined && (
        <p
          id="stale-note"
          class="flex flex-wrap items-center gap-3 rounded-2xl bg-slate-800 px-4 py-3 font-medium text-white"
        >
          Dernières valeurs connues, {timeAgo(cutSince, now.value)}.
          <button
            type="button"
            id="retry-now"
            onClick={() => shared.current?.wake()}
            class="rounded-xl bg-white px-3 py-1 font-semibold text-slate-900 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white"
          >
            Réessayer maintenant
          </button>
        </p>
      )}
      <ul
        id="board"
        class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3"
        aria-label="Tâches"
      >
        {props.cards.map(({ task }) => (
          <TaskCard
            key={task.id}
            task={task}
            state={states[task.id]}
            now={now.value}
            stale={cutSince !== undefined}
          />
        ))}
      </ul>
    </div>
  );
}
