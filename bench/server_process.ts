import { processTree, readTreeRssKiB } from "./proc_stats.ts";

/** How to start one of the servers under test. */
export interface ServerSpec {
  /** Label in the report: `app`, `app (kv)`, `reference`. */
  name: string;
  /** Script relative to the repository root. */
  entry: string;
  env: Record<string, string>;
  /** A fresh database file per start, for stores that keep one. */
  kvPath?: boolean;
  /** `deno run` flags before the entry, e.g. `--unstable-net`. */
  flags?: string[];
  /** Runs the server under `ulimit -n` of this many open files. */
  openFileLimit?: number;
}

/** A running server process. */
export class ServerProcess {
  #child: Deno.ChildProcess;
  #output = "";
  #exited = false;
  #pumps: Promise<unknown>;
  #tempDir: string | null;
  port = 0;

  private constructor(
    readonly spec: ServerSpec,
    child: Deno.ChildProcess,
    tempDir: string | null,
  ) {
    this.#child = child;
    this.#tempDir = tempDir;
    const pump = async (stream: ReadableStream<Uint8Array<ArrayBuffer>>) => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        // Keep the head and the tail only: a server may log per request.
        this.#output = (this.#output + chunk).slice(-20_000);
      }
    };
    this.#pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
    child.status.then(() => this.#exited = true);
  }

  /** Starts the server and resolves once it prints its listening address. */
  static async start(spec: ServerSpec, root: URL): Promise<ServerProcess> {
    const tempDir = spec.kvPath ? await Deno.makeTempDir() : null;
    const env: Record<string, string> = {
      PORT: "0",
      HOSTNAME: "127.0.0.1",
      NO_COLOR: "1",
      ...spec.env,
    };
    if (tempDir) env.KV_PATH = `${tempDir}/status.kv`;
    const args = ["run", "-A", ...spec.flags ?? [], spec.entry];
    const limit = spec.openFileLimit;
    const child = new Deno.Command(
      limit === undefined ? Deno.execPath() : "bash",
      {
        args: limit === undefined ? args : [
          "-c",
          `ulimit -n ${limit} && exec "$0" "$@"`,
          Deno.execPath(),
          ...args,
        ],
        cwd: root,
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      },
    ).spawn();
    const server = new ServerProcess(spec, child, tempDir);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const match = /Listening on https?:\/\/[^\s/]+:(\d+)/.exec(
        server.#output,
      );
      if (match) {
        server.port = Number(match[1]);
        return server;
      }
      if (server.#exited || Date.now() > deadline) {
        await server.stop();
        throw new Error(
          `${spec.name} did not start:\n${server.#output.slice(-2_000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** True until the process exits. */
  get alive(): boolean {
    return !this.#exited;
  }

  /** What the server printed (the last 20,000 characters). */
  get output(): string {
    return this.#output;
  }

  /** The process and the ones it started (a cluster's members). */
  pids(): number[] {
    return processTree(this.pid);
  }

  /** Resident memory in KiB, summed over the process and its descendants. */
  rssKiB(): number | null {
    return readTreeRssKiB(this.pid);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; removes its database directory. */
  async stop(graceMs = 5_000): Promise<Deno.CommandStatus> {
    const kill = (signal: Deno.Signal) => {
      try {
        this.#child.kill(signal);
      } catch {
        // Already exited.
      }
    };
    // Children too: a supervisor killed first would leave them running.
    const tree = this.pids();
    if (!this.#exited) kill("SIGTERM");
    const timer = setTimeout(() => {
      kill("SIGKILL");
      for (const pid of tree.slice(1)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // Already exited.
        }
      }
    }, graceMs);
    const status = await this.#child.status;
    clearTimeout(timer);
    await this.#pumps;
    if (this.#tempDir) {
      await Deno.remove(this.#tempDir, { recursive: true }).catch(() => {});
    }
    return status;
  }
}
