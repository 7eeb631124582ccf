/** What a {@link followKey} reports. */
export interface FollowHandlers {
  /**
   * Values the key takes, possibly skipping some. Watch and refresh entries
   * may arrive out of order: their versionstamps tell which is newer.
   */
  onEntry(entry: Deno.KvEntryMaybe<unknown>): void | Promise<void>;
  /** The watch or a refresh failed; following goes on after a pause. */
  onError(error: unknown): void;
}

/** Options for {@link followKey}. */
export interface FollowOptions {
  /**
   * Also read the key this often. An embedded (SQLite) database only tells
   * watchers of its own process, so a second process on the same file is
   * only seen this way. Undefined: watch only.
   */
  refreshMs?: number;
  /** Pause before watching again after the watch failed. */
  retryMs?: number;
}

/** A key being followed. */
export interface KeyFollower {
  /** Ends the watch and the refresh timer; resolves once nothing is left running. */
  stop(): Promise<void>;
}

/**
 * Follows one key's value through `kv.watch`, and optionally by reading it
 * on a timer. Entries from both may arrive in any order; the caller orders
 * them by versionstamp.
 */
export function followKey(
  kv: Deno.Kv,
  key: Deno.KvKey,
  handlers: FollowHandlers,
  options: FollowOptions = {},
): KeyFollower {
  const retryMs = options.retryMs ?? 1_000;
  let stopped = false;
  let reader:
    | ReadableStreamDefaultReader<Deno.KvEntryMaybe<unknown>[]>
    | undefined;
  let watching: Promise<void> = Promise.resolve();
  let refreshing: Promise<void> = Promise.resolve();
  let watchTimer: ReturnType<typeof setTimeout> | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  const watch = () => {
    watchTimer = undefined;
    watching = (async () => {
      try {
        const current = kv.watch([key]).getReader();
        reader = current;
        for (;;) {
          const { done, value } = await current.read();
          if (stopped) return;
          if (done) throw new Error("the KV watch ended");
          await handlers.onEntry(value[0]);
        }
      } catch (error) {
        if (stopped) return;
        handlers.onError(error);
        watchTimer = setTimeout(watch, retryMs);
      }
    })();
  };

  const refresh = () => {
    refreshTimer = undefined;
    refreshing = (async () => {
      try {
        const entry = await kv.get(key);
        if (!stopped) await handlers.onEntry(entry);
      } catch (error) {
        if (!stopped) handlers.onError(error);
      }
      if (!stopped) refreshTimer = setTimeout(refresh, options.refreshMs);
    })();
  };

  watch();
  if (options.refreshMs !== undefined) {
    refreshTimer = setTimeout(refresh, options.refreshMs);
  }

  return {
    async stop() {
      stopped = true;
      clearTimeout(watchTimer);
      clearTimeout(refreshTimer);
      await reader?.cancel().catch(() => {});
      await Promise.all([watching, refreshing]);
    },
  };
}
