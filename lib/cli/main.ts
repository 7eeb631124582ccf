/** The `status-cli` entry point: process arguments, environment, signals and exit code. */
import { parseCli } from "./args.ts";
import { EXIT } from "./exit_codes.ts";
import { PROGRAM } from "./help.ts";
import { runCommand } from "./run.ts";

/** Writes a line; a reader that went away (`| head`) ends the command like SIGPIPE would. */
function writer(
  write: (line: string) => void,
  stop: AbortController,
) {
  return (line: string) => {
    try {
      write(line);
    } catch (error) {
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
      stop.abort(141);
    }
  };
}

/** Runs the command line in `Deno.args` and exits with its code. */
async function main(): Promise<never> {
  const parsed = parseCli(Deno.args, {
    STATUS_URL: Deno.env.get("STATUS_URL"),
    ADMIN_TOKEN: Deno.env.get("ADMIN_TOKEN"),
    USER: Deno.env.get("USER") ?? Deno.env.get("USERNAME"),
  });

  if (parsed.kind === "help") {
    console.log(parsed.text.trimEnd());
    Deno.exit(EXIT.ok);
  }
  if (parsed.kind === "usage") {
    console.error(`${PROGRAM}: ${parsed.message}`);
    Deno.exit(EXIT.usage);
  }

  const stop = new AbortController();
  const signals: [Deno.Signal, number][] = Deno.build.os === "windows"
    ? [["SIGINT", EXIT.interrupted]]
    : [["SIGINT", EXIT.interrupted], ["SIGTERM", EXIT.terminated]];
  const handlers = signals.map(([signal, code]) => {
    const handler = () => stop.abort(code);
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });

  const code = await runCommand(parsed.command, {
    out: writer((line) => console.log(line), stop),
    err: writer((line) => console.error(line), stop),
    stop: stop.signal,
  });
  for (const [signal, handler] of handlers) {
    Deno.removeSignalListener(signal, handler);
  }
  Deno.exit(code);
}

if (import.meta.main) await main();
