/**
 * Starts the real app (`main.ts`) as a child process on an ephemeral port,
 * for tests that must talk HTTP to it or send it signals.
 */
import { captureOutput } from "./output.ts";

const ROOT = new URL("../../", import.meta.url);

/** A running app process. */
export interface AppProcess {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  child: Deno.ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal and waits for the exit status. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/** Options for {@link startApp}. */
export interface StartOptions {
  /** Extra environment (PORT defaults to 0, HOSTNAME to 127.0.0.1, STATUS_STORE to memory). */
  env?: Record<string, string>;
  /** Script to run instead of main.ts (relative to the repository root). */
  entry?: string;
  /** Arguments to `deno` instead of `run -A <entry>` (such as {@link SERVE_PARALLEL}). */
  args?: string[];
  /** Shell prefix such as `ulimit -n 256 &&` (runs under bash). */
  shellPrefix?: string;
  /** How long to wait for the "Listening on" line. */
  timeoutMs?: number;
}

/** Spawns the app and resolves once it prints its listening address. */
export async function startApp(
  options: StartOptions = {},
): Promise<AppProcess> {
  const env = {
    PORT: "0",
    HOSTNAME: "127.0.0.1",
    STATUS_STORE: "memory",
    NO_COLOR: "1",
    ...options.env,
  };
  const args = options.args ?? ["run", "-A", options.entry ?? "main.ts"];
  const deno = Deno.execPath();
  const command = options.shellPrefix
    ? new Deno.Command("bash", {
      args: ["-c", `${options.shellPrefix} exec "$0" "$@"`, deno, ...args],
      cwd: ROOT,
      env,
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    })
    : new Deno.Command(deno, {
      args,
      cwd: ROOT,
      env,
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    });
  const child = command.spawn();
  let onText = () => {};
  const output = captureOutput(child, () => onText());
  const status = child.status;

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`app did not start in time:\n${output.text()}`)),
      options.timeoutMs ?? 30_000,
    );
    onText = () => {
      const match = output.text().match(
        /Listening on https?:\/\/[^\s:]+:(\d+)/,
      );
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    status.then((s) => {
      clearTimeout(timer);
      reject(
        new Error(
          `app exited with ${s.code} before listening:\n${output.text()}`,
        ),
      );
    });
    onText();
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: output.text,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch {
        // already exited
      }
      const result = await status;
      await output.done;
      return result;
    },
  };
}

/** `deno task start:parallel`: serve.ts's workers, on PORT and HOSTNAME (DENO_JOBS says how many workers). */
export const SERVE_PARALLEL = ["run", "-A", "--unstable-net", "serve.ts"];

/**
 * Runs the app (or another entry, such as `cluster.ts`, or the arguments to
 * `deno` given as a list) expecting it to exit at start; resolves with its
 * exit code and output.
 */
export async function runAppToExit(
  env: Record<string, string>,
  entry: string | string[] = "main.ts",
): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: typeof entry === "string" ? ["run", "-A", entry] : entry,
    cwd: ROOT,
    env: {
      PORT: "0",
      HOSTNAME: "127.0.0.1",
      STATUS_STORE: "memory",
      NO_COLOR: "1",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    output: decoder.decode(out.stdout) + decoder.decode(out.stderr),
  };
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
