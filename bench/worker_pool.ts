import type { WorkerCommand, WorkerEvent } from "./worker_protocol.ts";

const WORKER = new URL("./load_worker.ts", import.meta.url);
const encoder = new TextEncoder();

/** A program that speaks the worker protocol: how to start it, how to write it a command. */
export interface WorkerProgram {
  name: string;
  command: string;
  args: string[];
  /** One command as the line the program reads (without the newline). */
  encode(command: WorkerCommand): string;
  /** It takes `fanout_quiet`: stamps answers on arrival and may read them later. */
  quiets: boolean;
}

/** The Deno load worker (`load_worker.ts`): every phase. */
export const DENO_WORKER: WorkerProgram = {
  name: "deno",
  command: Deno.execPath(),
  args: ["run", "-A", WORKER.pathname],
  encode: (command) => JSON.stringify(command),
  quiets: false,
};

/** One load worker process seen from the coordinator. */
export class LoadWorker {
  readonly pid: number;
  readonly program: WorkerProgram;
  #child: Deno.ChildProcess;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #events: WorkerEvent[] = [];
  #listeners = new Set<() => void>();
  #exited = false;
  #stderr = "";
  #pumps: Promise<unknown>;

  constructor(cwd: URL, program: WorkerProgram = DENO_WORKER) {
    this.program = program;
    this.#child = new Deno.Command(program.command, {
      args: program.args,
      cwd,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    this.pid = this.#child.pid;
    this.#stdin = this.#child.stdin.getWriter();
    this.#pumps = Promise.all([this.#readEvents(), this.#readErrors()]);
    this.#child.status.then(() => {
      this.#exited = true;
      this.#notify();
    });
  }

  async #readEvents(): Promise<void> {
    let pending = "";
    const text = this.#child.stdout.pipeThrough(new TextDecoderStream());
    for await (const chunk of text) {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.trim()) this.#events.push(JSON.parse(line) as WorkerEvent);
      }
      this.#notify();
    }
  }

  async #readErrors(): Promise<void> {
    const text = this.#child.stderr.pipeThrough(new TextDecoderStream());
    for await (const chunk of text) this.#stderr += chunk;
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** Sends one command. */
  async send(command: WorkerCommand): Promise<void> {
    const line = this.program.encode(command);
    await this.#stdin.write(encoder.encode(line + "\n"));
  }

  /**
   * Waits for (and removes) the first event matching `match`; rejects at the
   * timeout, when the worker reports an error, or when it exits.
   */
  next<E extends WorkerEvent>(
    match: (event: WorkerEvent) => event is E,
    timeoutMs: number,
  ): Promise<E> {
    return new Promise<E>((resolve, reject) => {
      const check = () => {
        const failure = this.#events.find((e) => e.ev === "error");
        if (failure && failure.ev === "error") {
          done();
          reject(new Error(`worker ${this.pid}: ${failure.message}`));
          return;
        }
        const index = this.#events.findIndex(match);
        if (index >= 0) {
          const [event] = this.#events.splice(index, 1);
          done();
          resolve(event as E);
        } else if (this.#exited) {
          done();
          reject(new Error(`worker ${this.pid} exited: ${this.#stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`worker ${this.pid} did not answer in time`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Asks the worker to exit, killing it if it does not within a second. */
  async stop(): Promise<void> {
    if (!this.#exited) {
      await this.send({ op: "exit" }).catch(() => {});
    }
    await this.#stdin.close().catch(() => {});
    const timer = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // Exited in the meantime.
      }
    }, 1_000);
    await this.#child.status;
    clearTimeout(timer);
    await this.#pumps;
  }
}

/** Starts `count` workers and waits until each is ready. */
export async function startWorkers(
  count: number,
  cwd: URL,
  program: WorkerProgram = DENO_WORKER,
): Promise<LoadWorker[]> {
  const workers = Array.from(
    { length: count },
    () => new LoadWorker(cwd, program),
  );
  await Promise.all(workers.map((w) =>
    w.next(
      (e): e is Extract<WorkerEvent, { ev: "ready" }> => e.ev === "ready",
      30_000,
    )
  ));
  return workers;
}

/** Splits `total` into `parts` near-equal shares. */
export function share(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}

/** A type guard for the event `ev` with command id `id`. */
export function eventOf<K extends WorkerEvent["ev"]>(ev: K, id: number) {
  return (event: WorkerEvent): event is Extract<WorkerEvent, { ev: K }> =>
    event.ev === ev && "id" in event && event.id === id;
}
