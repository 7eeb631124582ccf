/**
 * `deno task start:cluster`: the app (main.ts) in CLUSTER_PROCESSES separate
 * processes (default: one per core) listening on one port, on the redis
 * store. Linux's SO_REUSEPORT spreads new connections over the processes;
 * each process has its own open-file limit, so the machine holds that many
 * more polls, and Redis tells every process of every change.
 *
 * This supervisor starts one process first (a bad configuration or an
 * unreachable Redis then stops everything with that process's one line),
 * then the others; prefixes their output with `[n]`; prints one
 * "Listening on" line once all listen; forwards SIGINT and SIGTERM; and
 * exits once they have all exited. If one exits on its own, it stops the
 * others and exits with 1, for the service manager to restart the whole.
 */
import { clusterPlan } from "./lib/app/cluster_plan.ts";

const ROOT = new URL("./", import.meta.url);

/** One process of the cluster. */
interface Member {
  index: number;
  child: Deno.ChildProcess;
  /** True once it listens; false if it exited first. */
  listening: Promise<boolean>;
  /** Its exit status, once its output is all forwarded. */
  exited: Promise<Deno.CommandStatus>;
}

/** The lines of a byte stream, as they come. */
async function* lines(stream: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    yield* parts;
  }
  if (buffered !== "") yield buffered;
}

function spawn(index: number, port: number, hostname: string): Member {
  const child = new Deno.Command(Deno.execPath(), {
    // SO_REUSEPORT is still an unstable option of Deno.serve.
    args: ["run", "-A", "--unstable-net", "main.ts"],
    cwd: ROOT,
    env: { PORT: String(port), HOSTNAME: hostname, REUSE_PORT: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const listening = Promise.withResolvers<boolean>();
  const forward = async (
    stream: ReadableStream<Uint8Array>,
    write: (line: string) => void,
  ) => {
    for await (const line of lines(stream)) {
      // The cluster says where it listens, once, when all of them do.
      if (/^Listening on /.test(line)) listening.resolve(true);
      else write(`[${index}] ${line}`);
    }
  };
  const forwarded = Promise.all([
    forward(child.stdout, console.log),
    forward(child.stderr, console.error),
  ]);
  const exited = (async () => {
    const status = await child.status;
    await forwarded;
    listening.resolve(false);
    return status;
  })();
  return { index, child, listening: listening.promise, exited };
}

function signal(members: Member[], name: Deno.Signal): void {
  for (const { child } of members) {
    try {
      child.kill(name);
    } catch {
      // already exited
    }
  }
}

const plan = clusterPlan(
  (name) => Deno.env.get(name),
  navigator.hardwareConcurrency,
);
if (!plan.ok) {
  console.error(`error: ${plan.error}`);
  Deno.exit(1);
}

let port = plan.port;
if (port === 0) {
  // Every process must bind the same port: pick one now.
  const probe = Deno.listen({ hostname: plan.hostname, port: 0 });
  port = probe.addr.port;
  probe.close();
}

const members: Member[] = [];
let stopping = false;
let failed = false;

let signals = 0;

const stop = (name: Deno.Signal) => {
  stopping = true;
  signal(members, name);
};
for (const name of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(name, () => {
    // A second signal does not wait for the processes to answer their polls.
    stop(++signals > 1 ? "SIGKILL" : name);
  });
}

const watch = async (member: Member) => {
  const status = await member.exited;
  if (stopping) {
    if (!status.success) failed = true;
    return;
  }
  failed = true;
  // One that never listened has said why (a bad variable, Redis unreachable).
  if (await member.listening) {
    console.error(
      `error: process ${member.index} exited with code ${status.code}; stopping the cluster`,
    );
  }
  stop("SIGTERM");
};

const first = spawn(1, port, plan.hostname);
members.push(first);
void watch(first);
if (await first.listening) {
  for (let index = 2; index <= plan.processes && !stopping; index++) {
    const member = spawn(index, port, plan.hostname);
    members.push(member);
    void watch(member);
  }
  const listening = await Promise.all(members.map((m) => m.listening));
  if (listening.every(Boolean) && !stopping) {
    const host = plan.hostname.includes(":")
      ? `[${plan.hostname}]`
      : plan.hostname;
    const pids = members.map((m) => m.child.pid).join(", ");
    console.log(
      `Listening on http://${host}:${port}/ (${members.length} processes, pids ${pids})`,
    );
  }
}

const statuses = await Promise.all(members.map((m) => m.exited));
Deno.exit(failed || statuses.some((s) => !s.success) ? 1 : 0);
