/**
 * A private `redis-server` for tests: on a free loopback port, with no
 * persistence, stopped by the test that started it (even when it fails).
 */
import { captureOutput } from "./output.ts";
import { needs, programOf, REDIS_SERVER } from "./requirements.ts";

/** A running (or stopped) private Redis server. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Stops the server (its data is gone); resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts a stopped server again on the same port, empty. */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT); call it in a `finally`. */
  thaw(): void;
}

const BINARY = programOf(REDIS_SERVER);

/**
 * For tests that start a redis-server: `needsRedis.test(name, fn)` is
 * `Deno.test`, skipped loudly where there is no redis-server, except in CI
 * (CI=true), where it runs and fails; `needsRedis.options()` gives the same
 * to a suite's tests.
 */
export const needsRedis = {
  test(
    name: string,
    fn: (t: Deno.TestContext) => void | Promise<void>,
  ): void {
    Deno.test(name, needs(REDIS_SERVER), fn);
  },
  options(): { ignore: boolean } {
    return needs(REDIS_SERVER);
  },
};

/** A loopback port that was free a moment ago. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** A spawned redis-server and its output so far. */
interface Running {
  child: Deno.ChildProcess;
  output(): string;
  /** Resolves when the process has exited and its output is read. */
  done: Promise<Deno.CommandStatus>;
}

function spawn(port: number): Running {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(BINARY, {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
      ],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).spawn();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(
      `${BINARY} not found: install Debian's redis-server (apt-get install redis-server) or set REDIS_SERVER_PATH`,
    );
  }
  const output = captureOutput(child);
  const done = (async () => {
    const status = await child.status;
    await output.done;
    return status;
  })();
  return { child, output: output.text, done };
}

/** Resolves once the server accepts connections; rejects with its output if it exits first. */
async function ready(running: Running, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  running.done.then(() => exited = true);
  while (!/Ready to accept connections/.test(running.output())) {
    if (exited) {
      throw new Error(`redis-server exited at start:\n${running.output()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `redis-server did not start in time:\n${running.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function kill(running: Running): Promise<void> {
  try {
    running.child.kill("SIGKILL");
  } catch {
    // already exited
  }
  await running.done;
}

/** Starts a private redis-server on a free port; `stop()` it in a `finally`. */
export async function startRedis(): Promise<RedisServer> {
  let running: Running | undefined;
  let port = 0;
  // Another process may take the port between the probe and the bind.
  for (let attempt = 1; running === undefined; attempt++) {
    port = freePort();
    const candidate = spawn(port);
    try {
      await ready(candidate);
      running = candidate;
    } catch (error) {
      await kill(candidate);
      if (attempt >= 5) throw error;
    }
  }
  let current: Running | undefined = running;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const stopping = current;
      current = undefined;
      if (stopping) await kill(stopping);
    },
    async restart() {
      if (current) throw new Error("redis-server is still running");
      const again = spawn(port);
      try {
        await ready(again);
      } catch (error) {
        await kill(again);
        throw error;
      }
      current = again;
    },
    freeze() {
      current?.child.kill("SIGSTOP");
    },
    thaw() {
      current?.child.kill("SIGCONT");
    },
  };
}

/** Runs `fn` with a fresh private Redis server, stopped afterwards whatever happens. */
export async function withRedis<T>(
  fn: (redis: RedisServer) => Promise<T>,
): Promise<T> {
  const redis = await startRedis();
  try {
    return await fn(redis);
  } finally {
    await redis.stop();
  }
}
