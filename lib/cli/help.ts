/** The `--help` texts: the command line's own documentation. */

/** The name the CLI goes by in messages. */
export const PROGRAM = "status-cli";

/** The server URL when neither `--url` nor `STATUS_URL` says otherwise. */
export const DEFAULT_URL = "http://127.0.0.1:3000";

const COMMON = `Options of every command:
  --url URL       server base URL (env STATUS_URL, default ${DEFAULT_URL})
  --json          machine-readable JSON on stdout
  -h, --help      show this help`;

const TASK =
  `  --task ID       the task (a-z, 0-9, -; 1 to 64); the default task when absent`;

const EXIT_CODES = `Exit codes:
  0    success (wait: the task reached Terminée, or the --until status)
  1    wait: the task ended in Échec (with --until a final status: the other one)
  2    usage error (unknown command or option, bad value)
  3    conflict: the version was not --expect-version
  4    unauthorized: missing or wrong admin token, or the server takes updates only from its own machine
  5    server unreachable, or it answered with an error
  124  wait: --timeout ran out
  130  interrupted (SIGINT, Ctrl-C); 143 on SIGTERM`;

const STATUS_NAMES =
  `Statuses: "En attente", "En cours", "Terminée", "Échec"; case, accents and
separators are optional on the command line (en-cours, "en cours", terminee,
ECHEC).`;

const MAIN = `${PROGRAM}: read, set, watch and wait for tasks' statuses.

Usage: ${PROGRAM} <command> [options]

Commands:
  status          print the current state
  set STATUS      change the status
  watch           print one line per change until interrupted
  wait            block until the task ends (Terminée: 0, Échec: 1)
  tasks           list the stored tasks
  help [COMMAND]  show the help of a command

${COMMON}
${TASK} (status, set, watch, wait)

${STATUS_NAMES}

${EXIT_CODES}
`;

const STATUS = `Usage: ${PROGRAM} status [--task ID] [--url URL] [--json]

Prints the current state: status, version, and when it last changed
(local time). With --json, the server's JSON state (with the task's name).

${COMMON}
${TASK}

Exit codes: 0 success, 2 usage, 5 server unreachable or error.
`;

const SET =
  `Usage: ${PROGRAM} set STATUS [--task ID] [--expect-version N] [--token TOKEN] [--actor NAME] [--url URL] [--json]

Sets the status and prints the result. Setting the status the task already
has succeeds and changes nothing. The change is kept in the task's history
as made from the command line, by your user name (env USER).

Options:
  --expect-version N  change only if the current version is N (compare-and-set)
  --token TOKEN       admin token (env ADMIN_TOKEN)
  --actor NAME        who makes the change (1 to 64 characters; default env USER)
${TASK}
${COMMON.split("\n").slice(1).join("\n")}

${STATUS_NAMES}

Exit codes: 0 success, 2 usage (unknown status: the four are listed),
3 conflict (--expect-version did not match), 4 unauthorized,
5 server unreachable or error.
`;

const WATCH = `Usage: ${PROGRAM} watch [--task ID] [--url URL] [--json]

Prints the current state, then one line per change as it happens, in order:
  HH:MM:SS vVERSION FROM → TO
until interrupted. Times are local. When the server restarts with fresh data,
a "resync" line is printed and the watch goes on from the new state. Lost
connections are retried with backoff; each retry is reported on stderr.
With --json, one JSON event per line (snapshot, change, truncated, reset).

${COMMON}
${TASK}

Exit codes: 130 on SIGINT (Ctrl-C), 143 on SIGTERM, 2 usage,
5 server unreachable at start or error.
`;

const WAIT =
  `Usage: ${PROGRAM} wait [--task ID]... [--until STATUS] [--timeout DURATION] [--url URL] [--json]

Blocks until the task reaches a final status, then prints it: exit 0 for
Terminée, 1 for Échec. Returns at once when it is final already. Every change
counts, even one that another change followed within a millisecond.
With several --task, waits on one connection until every task is done:
exit 0 when all reached Terminée (or --until), else 1.

Options:
  --until STATUS      wait for this status instead (exit 0); if it is a final
                      status, reaching the other final status exits 1
  --timeout DURATION  give up after DURATION (90, 45s, 10m, 1h30m): exit 124
  --task ID           a task to wait for; repeat it to wait for several (100 at most)
${COMMON.split("\n").slice(1).join("\n")}

${STATUS_NAMES}

Exit codes: 0 reached, 1 ended in the other final status, 2 usage,
5 server unreachable at start or error, 124 timeout, 130 SIGINT.
`;

const TASKS = `Usage: ${PROGRAM} tasks [--url URL] [--json]

Lists the stored tasks, sorted by id, one per line:
  ID  STATUS  vVERSION  UPDATED  NAME
With --json, one JSON object per line.

${COMMON}

Exit codes: 0 success, 2 usage, 5 server unreachable or error.
`;

/** The help of `command`, or the general help. */
export function helpText(command?: string): string {
  switch (command) {
    case "tasks":
      return TASKS;
    case "status":
      return STATUS;
    case "set":
      return SET;
    case "watch":
      return WATCH;
    case "wait":
      return WAIT;
    default:
      return MAIN;
  }
}
