/**
 * The fan-out load client in C (`native/fanout_client.c`), built with the
 * machine's C compiler when the benchmark starts. The Deno load workers
 * took 40–70% of a core during a fan-out of 10,000, on the cores the
 * servers need: the C client takes less, and it stamps each answer when the
 * kernel received it, so that it can also read them only after the fan-out
 * (5–7% of a core). It does fan-outs only; the other phases keep the Deno
 * workers.
 */
import { pollTarget } from "./http_wire.ts";
import type { WorkerProgram } from "./worker_pool.ts";
import type { WorkerCommand } from "./worker_protocol.ts";

const SOURCE = new URL("./native/fanout_client.c", import.meta.url);

/** The line the C client reads for `command`; throws for what it does not do. */
export function nativeCommandLine(command: WorkerCommand): string {
  switch (command.op) {
    case "fanout": {
      const hosts = command.hosts?.length ? command.hosts : ["127.0.0.1"];
      return [
        "fanout",
        command.id,
        command.port,
        command.count,
        command.connectConcurrency,
        command.connectTimeoutMs,
        command.openDeadline.toFixed(3),
        command.connectFirst ? 1 : 0,
        hosts.join(","),
        pollTarget(command.lastVersion, command.epoch),
      ].join(" ");
    }
    case "fanout_send":
      return `send ${command.id}`;
    case "fanout_quiet":
      return `quiet ${command.id}`;
    case "fanout_finish":
      return `finish ${command.id} ${command.deadline.toFixed(3)}`;
    case "exit":
      return "exit";
    default:
      throw new Error(`the C load client does not do "${command.op}"`);
  }
}

/** The C client built, or why it could not be. */
export type NativeBuild =
  | { program: WorkerProgram; dir: string }
  | { program: null; reason: string };

/** Compiles the C client into a new temporary folder (remove `dir` when done). */
export async function buildNativeClient(
  compiler = Deno.env.get("CC") || "cc",
): Promise<NativeBuild> {
  const dir = await Deno.makeTempDir({ prefix: "fanout-client-" });
  const binary = `${dir}/fanout_client`;
  try {
    const out = await new Deno.Command(compiler, {
      args: ["-O2", "-o", binary, SOURCE.pathname],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      const said = new TextDecoder().decode(out.stderr).trim().split("\n");
      throw new Error(`${compiler} failed: ${said.slice(0, 3).join(" / ")}`);
    }
  } catch (error) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    const reason = error instanceof Deno.errors.NotFound
      ? `no C compiler (${compiler}) on PATH`
      : error instanceof Error
      ? error.message
      : String(error);
    return { program: null, reason };
  }
  return {
    program: {
      name: "c",
      command: binary,
      args: [],
      encode: nativeCommandLine,
      quiets: true,
    },
    dir,
  };
}
