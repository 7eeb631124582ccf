/** Command line → command, with no I/O: every usage error is a value with one clear line. */
import { parseArgs } from "node:util";
import type { Status } from "../domain/statuses.ts";
import { parseDuration } from "./duration.ts";
import { DEFAULT_URL, helpText, PROGRAM } from "./help.ts";
import { matchStatusName, statusChoices } from "./status_names.ts";
import { parseTaskId } from "../domain/task_id.ts";
import { parseActor } from "../domain/change_source.ts";

interface Common {
  /** Server base URL. */
  url: string;
  /** Machine-readable output. */
  json: boolean;
}

/** A command on one task: `--task`, the `default` task when absent. */
interface OneTask extends Common {
  task?: string;
}

/** A command ready to run. */
export type Command =
  | OneTask & { name: "status" }
  | OneTask & {
    name: "set";
    status: Status;
    token?: string;
    expectVersion?: number;
    /** Who sets it, kept in the task's history (`--actor`, else the user name). */
    actor?: string;
  }
  | OneTask & { name: "watch" }
  | Common & {
    name: "wait";
    until?: Status;
    timeoutMs?: number;
    /** The tasks to wait for, each `--task` once (the `default` task when absent). */
    tasks?: string[];
  }
  | Common & { name: "tasks" };

/** The outcome of reading the command line. */
export type ParsedCli =
  | { kind: "run"; command: Command }
  | { kind: "help"; text: string }
  | { kind: "usage"; message: string };

/** The environment variables the CLI reads. */
export interface CliEnv {
  STATUS_URL?: string;
  ADMIN_TOKEN?: string;
  /** The user name `set` sends as its actor (USER, or USERNAME on Windows). */
  USER?: string;
}

const OPTIONS = {
  url: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  token: { type: "string" },
  "expect-version": { type: "string" },
  until: { type: "string" },
  timeout: { type: "string" },
  task: { type: "string", multiple: true },
  actor: { type: "string" },
} as const;

type OptionName = keyof typeof OPTIONS;

const COMMON_OPTIONS: OptionName[] = ["url", "json", "help"];
const COMMAND_OPTIONS: Record<string, OptionName[]> = {
  status: [...COMMON_OPTIONS, "task"],
  set: [...COMMON_OPTIONS, "task", "token", "expect-version", "actor"],
  watch: [...COMMON_OPTIONS, "task"],
  wait: [...COMMON_OPTIONS, "task", "until", "timeout"],
  tasks: COMMON_OPTIONS,
  help: COMMON_OPTIONS,
};

function usage(message: string): ParsedCli {
  return { kind: "usage", message };
}

/** Reads `argv` (without the program name) and the environment into a command, a help text or a usage error. */
export function parseCli(argv: string[], env: CliEnv = {}): ParsedCli {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: OPTIONS,
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const { positionals, tokens } = parsed;
  const [name, ...rest] = positionals;

  if (name === undefined) {
    return parsed.values.help === true
      ? { kind: "help", text: helpText() }
      : usage(`missing command (try '${PROGRAM} --help')`);
  }
  const allowed = COMMAND_OPTIONS[name];
  if (allowed === undefined) {
    return usage(`unknown command '${name}' (try '${PROGRAM} --help')`);
  }

  const values: Partial<Record<OptionName, string | boolean>> = {};
  const tasks: string[] = [];
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const option = token.name as OptionName;
    if (!(allowed as string[]).includes(token.name)) {
      return usage(
        `unknown option '${token.rawName}' for '${name}' (try '${PROGRAM} ${name} --help')`,
      );
    }
    if (OPTIONS[option].type === "string") {
      if (token.value === undefined) {
        return usage(`option '${token.rawName}' needs a value`);
      }
      if (option === "task") {
        const id = parseTaskId(token.value);
        if (!id.ok) return usage(`--task: ${id.error}`);
        if (tasks.includes(id.id)) {
          return usage(`--task ${id.id} is given twice`);
        }
        tasks.push(id.id);
        continue;
      }
      values[option] = token.value;
    } else {
      if (token.inlineValue) {
        return usage(`option '${token.rawName}' takes no value`);
      }
      values[option] = true;
    }
  }

  if (name === "help") {
    if (rest.length > 1 || (rest[0] && !COMMAND_OPTIONS[rest[0]])) {
      return usage(`no help for '${rest.join(" ")}' (try '${PROGRAM} --help')`);
    }
    return { kind: "help", text: helpText(rest[0]) };
  }
  if (values.help === true) return { kind: "help", text: helpText(name) };

  const url = readUrl(
    typeof values.url === "string" ? values.url : env.STATUS_URL,
  );
  if (url === undefined) {
    return usage(
      `invalid server URL '${
        values.url ?? env.STATUS_URL
      }': expected http://host:port`,
    );
  }
  const common = { url, json: values.json === true };
  if (name !== "wait" && tasks.length > 1) {
    return usage(`'${name}' takes one --task; only 'wait' takes several`);
  }
  const one = tasks.length === 1 ? { ...common, task: tasks[0] } : common;

  switch (name) {
    case "status":
    case "watch":
    case "tasks":
      if (rest.length > 0) {
        return usage(`'${name}' takes no argument, got '${rest.join(" ")}'`);
      }
      return {
        kind: "run",
        command: name === "tasks" ? { name, ...common } : { name, ...one },
      };
    case "set": {
      if (rest.length === 0) {
        return usage(`missing status: one of ${statusChoices()}`);
      }
      const status = matchStatusName(rest.join(" "));
      if (status === undefined) {
        return usage(
          `unknown status '${rest.join(" ")}': one of ${statusChoices()}`,
        );
      }
      const command: Command = { name, ...one, status };
      const token = typeof values.token === "string"
        ? values.token
        : env.ADMIN_TOKEN;
      if (token !== undefined && token !== "") command.token = token;
      if (typeof values.actor === "string") {
        const actor = parseActor(values.actor);
        if (!actor.ok) return usage(`--actor: ${actor.error}`);
        command.actor = actor.value;
      } else if (env.USER !== undefined && env.USER !== "") {
        // The user name is a default: one the server would refuse is left out.
        const actor = parseActor(env.USER);
        if (actor.ok) command.actor = actor.value;
      }
      if (typeof values["expect-version"] === "string") {
        const text = values["expect-version"];
        if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
          return usage(
            `--expect-version must be a non-negative integer, got '${text}'`,
          );
        }
        command.expectVersion = Number(text);
      }
      return { kind: "run", command };
    }
    default: {
      if (rest.length > 0) {
        return usage(`'wait' takes no argument, got '${rest.join(" ")}'`);
      }
      const command: Command = { name: "wait", ...common };
      if (tasks.length > 0) command.tasks = tasks;
      if (typeof values.until === "string") {
        const until = matchStatusName(values.until);
        if (until === undefined) {
          return usage(
            `unknown status '${values.until}' for --until: one of ${statusChoices()}`,
          );
        }
        command.until = until;
      }
      if (typeof values.timeout === "string") {
        const ms = parseDuration(values.timeout);
        if (ms === undefined) {
          return usage(
            `--timeout must be a duration such as 90, 45s, 10m or 1h30m, got '${values.timeout}'`,
          );
        }
        command.timeoutMs = ms;
      }
      return { kind: "run", command };
    }
  }
}

/** The base URL in `text` (the default when empty), or undefined when it is not http(s). */
function readUrl(text: string | undefined): string | undefined {
  const value = text === undefined || text === "" ? DEFAULT_URL : text;
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    return url.href.replace(/\/+$/, "");
  } catch {
    return undefined;
  }
}
