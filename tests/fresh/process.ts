/** Runs an app as a real `deno run` process, for signals and ulimit. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ROOT, waitFor } from "./fixture.ts";

/** A running app process and what it printed so far. */
export interface AppProcess {
  child: Deno.ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Waits for exit, and for the output to be fully read. */
  exit(): Promise<Deno.CommandStatus>;
  /** Kills the process if it still runs, and waits for it. */
  dispose(): Promise<void>;
}

/** Options for {@link spawnApp}. */
export interface SpawnOptions {
  /** The entry module, a file URL. */
  main: URL;
  env?: Record<string, string>;
  /** A shell prefix such as `ulimit -n 256 &&`. */
  shell?: string;
  /** Extra `deno run` flags, such as `--config`. */
  flags?: string[];
  /** Arguments for the script. */
  args?: string[];
}

async function collect(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  sink: string[],
) {
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    sink.push(chunk);
  }
}

/** Starts `deno run -q -A <main>` from the repository root. */
export function spawnApp(options: SpawnOptions): AppProcess {
  const args = [
    "run",
    "-q",
    "-A",
    ...options.flags ?? [],
    fileURLToPath(options.main),
    ...options.args ?? [],
  ];
  const common = {
    cwd: ROOT,
    env: {
      PORT: "0",
      HOSTNAME: "127.0.0.1",
      NO_COLOR: "1",
      DENO_NO_UPDATE_CHECK: "1",
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  } as const;
  const child = options.shell
    ? new Deno.Command("bash", {
      ...common,
      args: [
        "-c",
        `${options.shell} exec "$@"`,
        "bash",
        Deno.execPath(),
        ...args,
      ],
    }).spawn()
    : new Deno.Command(Deno.execPath(), { ...common, args }).spawn();
  const out: string[] = [];
  const err: string[] = [];
  const reading = Promise.all([
    collect(child.stdout, out),
    collect(child.stderr, err),
  ]);
  const exit = async () => {
    const status = await child.status;
    await reading;
    return status;
  };
  return {
    child,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    exit,
    async dispose() {
      try {
        child.kill("SIGKILL");
      } catch {
        // It has exited already.
      }
      await exit();
    },
  };
}

/** Waits for the "Listening on" line and returns the base URL it names. */
export async function listeningUrl(app: AppProcess): Promise<string> {
  let exited = false;
  app.child.status.then(() => exited = true);
  await waitFor(
    () => exited || /Listening on http:\/\/[^/]+\//.test(app.stdout()),
    30_000,
    "the Listening on line",
  );
  const match = app.stdout().match(/Listening on (http:\/\/[^/]+)\//);
  if (!match) {
    throw new Error(`the app exited before listening:\n${app.stderr()}`);
  }
  return match[1];
}

/**
 * Sends SIGTERM to a fixture app and answers its probe's shutdown hook with
 * a ping (which it waits for), then waits for the exit status.
 */
export async function stopFixture(
  app: AppProcess,
  url: string,
): Promise<Deno.CommandStatus> {
  app.child.kill("SIGTERM");
  await waitFor(
    () => app.stdout().includes("probe: shutdown started"),
    10_000,
    "the shutdown hook to start",
  );
  // The hook waits for this request: the server still listens.
  assert.equal(await (await fetch(`${url}/_probe/ping`)).text(), "pong");
  return await app.exit();
}
