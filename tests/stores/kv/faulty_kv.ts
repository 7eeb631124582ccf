/** A database the test can break, for the KV store's failure cases. */
export interface FaultyKv {
  /** The database to hand to the store. */
  kv: Deno.Kv;
  /** From now on commits fail with `message` (true: "disk I/O error"), or work again (false). */
  failCommits(on: boolean, message?: string): void;
  /** Holds every commit from now on until the returned function is called, as a stalled disk would. */
  stallCommits(): () => void;
  /** Commits tried so far (updates and health probes alike). */
  readonly commits: number;
}

/**
 * A real database whose commits fail or stall on demand, as a full disk, a
 * read-only file or a stalled disk would; reads keep working.
 */
export function faultyKv(kv: Deno.Kv): FaultyKv {
  let failure: string | undefined;
  let stall: Promise<void> | undefined;
  let commits = 0;
  const commit = (op: Deno.AtomicOperation) => async () => {
    commits++;
    if (stall !== undefined) await stall;
    if (failure !== undefined) throw new Error(failure);
    return await op.commit();
  };
  const wrapped = new Proxy(kv, {
    get(target, property) {
      if (property === "atomic") {
        return () => {
          const operation = target.atomic();
          const proxy: Deno.AtomicOperation = new Proxy(operation, {
            get(op, name) {
              if (name === "commit") return commit(op);
              const value = Reflect.get(op, name, op);
              if (typeof value !== "function") return value;
              // Chained calls (check, set) return the proxy, so commit stays faulty.
              return (...args: unknown[]) => {
                const result = value.apply(op, args);
                return result === op ? proxy : result;
              };
            },
          });
          return proxy;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    kv: wrapped,
    failCommits(on, message = "disk I/O error") {
      failure = on ? message : undefined;
    },
    stallCommits() {
      let release!: () => void;
      stall = new Promise((resolve) => release = resolve);
      return () => {
        stall = undefined;
        release();
      };
    },
    get commits() {
      return commits;
    },
  };
}
