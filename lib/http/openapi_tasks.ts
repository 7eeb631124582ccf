/**
 * The OpenAPI description of the named tasks: `/tasks/{id}/…` (today's
 * operations, for any task), the list, identities, deletes, the badge and
 * the multi-task poll. Merged into the document by openapi.ts.
 */
import { MAX_WATCHED_TASKS } from "../domain/multi_poll.ts";
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from "../domain/task_list.ts";
import {
  MAX_DESCRIPTION_CHARS,
  MAX_NAME_CHARS,
  MAX_URL_CHARS,
} from "../domain/task_identity.ts";
import { DEFAULT_MAX_TASKS } from "../stores/status_store.ts";
import { API_PATHS, PAGE_AND_API_PATHS } from "./api_paths.ts";
import type { Json } from "./openapi.ts";

type JsonObject = { [key: string]: Json };

const EPOCH = "0f8b2c4e-3c1a-4d2e-9b7a-5e6f7a8b9c0d";
const T1 = "2025-06-01T09:15:02.481Z";
const T2 = "2025-06-01T09:42:10.007Z";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const noStore = { "Cache-Control": header("CacheControl") };

function error(description: string, example: string, headers: JsonObject = {}) {
  return {
    description,
    headers: { ...noStore, ...headers },
    content: {
      "application/json": {
        schema: ref("Error"),
        examples: {
          error: { summary: description, value: { error: example } },
        },
      },
    },
  };
}

function json(
  schema: Json,
  examples: Record<string, Json>,
  description: string,
  headers: JsonObject = noStore,
) {
  return {
    description,
    headers,
    content: {
      "application/json": {
        schema,
        examples: Object.fromEntries(
          Object.entries(examples).map(([name, value]) => [
            name,
            { summary: name, value },
          ]),
        ),
      },
    },
  };
}

const TASK_PARAMETER = {
  name: "id",
  in: "path",
  required: true,
  description: "The task: 1 to 64 lower-case letters, digits and `-`.",
  schema: ref("TaskId"),
  example: "nightly-build",
};

const BAD_ID = error(
  "The task id is not 1 to 64 lower-case letters, digits and `-`.",
  'task id must be 1 to 64 lower-case letters, digits or "-", got "Nightly_Build"',
);
const STORE_DOWN = error(
  "The store cannot answer now.",
  "the store cannot answer now: connection refused",
  { "Retry-After": header("RetryAfter") },
);
const FULL = error(
  `Storing one more task would pass MAX_TASKS (default ${DEFAULT_MAX_TASKS}): nothing was stored.`,
  `MAX_TASKS (${DEFAULT_MAX_TASKS}) is reached: delete a task first`,
);
const UNAUTHORIZED = error(
  "The server has an admin token and the request did not carry it.",
  "this server needs the admin token: send Authorization: Bearer <ADMIN_TOKEN>",
  { "WWW-Authenticate": header("WWWAuthenticate") },
);

const running = {
  status: "En cours",
  version: 1,
  epoch: EPOCH,
  updatedAt: T1,
};
const identity = {
  id: "nightly-build",
  name: "Build de nuit",
  description: "Compile et teste la branche principale",
  url: "https://ci.example.com/nightly",
};

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/** Today's operation at `path` for the task in the path: the `id` parameter, and a 400 for a bad one. */
function forTask(
  operation: JsonObject,
  operationId: string,
  extra: Record<string, Json> = {},
): JsonObject {
  const copy = clone(operation);
  copy.operationId = operationId;
  copy.tags = ["tasks"];
  copy.parameters = [
    TASK_PARAMETER,
    ...((copy.parameters ?? []) as Json[]),
  ];
  const responses = copy.responses as JsonObject;
  // Only a method the path takes reads the id: any other answers 405 first.
  const readsId = !("405" in responses);
  const badRequest = responses["400"] as JsonObject | undefined;
  if (readsId && badRequest === undefined) responses["400"] = BAD_ID;
  if (readsId && badRequest !== undefined) {
    badRequest.description =
      `${badRequest.description} Or the task id is not 1 to 64 lower-case letters, digits and \`-\`.`;
  }
  Object.assign(responses, extra);
  copy.responses = Object.fromEntries(
    Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)),
  );
  return copy;
}

const SVG_HEADERS = {
  "Cache-Control": {
    description:
      "Caches may keep the badge but must ask each time (with its ETag).",
    required: true,
    schema: { type: "string", const: "no-cache" },
  },
  ETag: header("ETag"),
  "X-Status-Version": header("XStatusVersion"),
};

function badge(operationId: string, withTask: boolean): JsonObject {
  const responses: JsonObject = {
    "200": {
      description:
        "A shields-style SVG: the task's name, then its status on the status's colour.",
      headers: SVG_HEADERS,
      content: {
        "image/svg+xml": {
          schema: { type: "string" },
          example:
            '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="20" role="img" aria-label="Tâche: En cours">…</svg>',
        },
      },
    },
    "304": {
      description: "`If-None-Match` named the current state's ETag.",
      headers: SVG_HEADERS,
    },
  };
  if (withTask) responses["400"] = BAD_ID;
  return {
    tags: ["tasks"],
    operationId,
    summary: withTask
      ? "A status badge of a task"
      : "The `default` task's status badge",
    description:
      "Embed it in a README or a dashboard. Its ETag is the state's: a change of the task's name alone does not change it.",
    parameters: [
      ...(withTask ? [TASK_PARAMETER] : []),
      {
        name: "If-None-Match",
        in: "header",
        required: false,
        description: "The ETag of a badge already fetched.",
        schema: { type: "string" },
        example: `"${EPOCH}.1"`,
      },
    ],
    responses,
  };
}

/** The paths of the named tasks, built on today's operations in `paths`. */
export function taskPaths(paths: Record<string, Json>): Record<string, Json> {
  const op = (path: string, method: string) =>
    (paths[path] as JsonObject)[method] as JsonObject;
  const admin: Json[] = [{}, { adminToken: [] }];
  const identityBody = {
    required: true,
    content: {
      "application/json": {
        schema: ref("IdentityRequest"),
        examples: {
          named: {
            summary: "Name a task and link to its job",
            value: {
              name: identity.name,
              description: identity.description,
              url: identity.url,
            },
          },
        },
      },
    },
  };
  return {
    [API_PATHS.badge]: { get: badge("badge", false) },
    [API_PATHS.taskBadge]: { get: badge("taskBadge", true) },
    [API_PATHS.taskGetStatus]: {
      get: forTask(op(API_PATHS.getStatus, "get"), "getTaskStatus", {
        "503": STORE_DOWN,
      }),
    },
    [API_PATHS.taskUpdateStatus]: {
      post: forTask(op(API_PATHS.updateStatus, "post"), "updateTaskStatus", {
        "507": FULL,
      }),
      get: forTask(
        op(API_PATHS.updateStatus, "get"),
        "updateTaskStatusWrongMethod",
      ),
    },
    [API_PATHS.taskPollStatus]: {
      get: forTask(op(API_PATHS.pollStatus, "get"), "pollTaskStatus"),
    },
    [API_PATHS.pollTasks]: {
      get: {
        tags: ["tasks"],
        operationId: "pollTasks",
        summary: "Wait for the next change of any of several tasks (long poll)",
        description:
          `Each watched task with the version (and epoch) the client has: 1 to ${MAX_WATCHED_TASKS} of them, ` +
          "each once. Answers at once with every task that is behind or must reset, each as " +
          "`/poll-status` would answer it; otherwise holds until one of them changes and answers " +
          'with it, or answers `{"tasks": {}, "timeout": true}` when the hold ends. Holds, jitter, ' +
          "MAX_WAITERS (one poll counts once, however many tasks it watches) and 503 as `/poll-status`. " +
          "A task never stored reads as `En attente`, version 0, epoch `unset`.",
        parameters: [
          {
            name: "watch",
            in: "query",
            required: true,
            description: "`id:version[:epoch]` entries separated by commas.",
            schema: { type: "string", minLength: 3 },
            example: `nightly-build:3:${EPOCH},deploy:0`,
          },
          {
            name: "timeout",
            in: "query",
            required: false,
            description:
              "A shorter hold, in whole seconds (1 up to the server's hold time).",
            schema: { type: "integer", minimum: 1, maximum: 25 },
            example: 10,
          },
        ],
        responses: {
          "200": json(
            ref("MultiPollAnswer"),
            {
              behind: {
                tasks: {
                  "nightly-build": {
                    ...running,
                    changes: [{
                      version: 1,
                      status: "En cours",
                      at: T1,
                      source: "cli",
                      actor: "ci",
                    }],
                  },
                },
              },
              timeout: { tasks: {}, timeout: true },
            },
            "The tasks that changed (or must reset), by id; or none and `timeout`.",
          ),
          "400": error(
            "`watch` is missing, lists a bad or repeated task id or version, or too many tasks; or `timeout` is bad.",
            "watch lists build twice: each task once",
          ),
          "503": error(
            "Too many polls are held (`MAX_WAITERS`): retry after `Retry-After` seconds, with jitter.",
            "too many held polls (MAX_WAITERS is 100000); retry later",
            { "Retry-After": header("RetryAfter") },
          ),
        },
      },
    },
    [PAGE_AND_API_PATHS.tasks]: {
      get: {
        tags: ["tasks"],
        operationId: "listTasks",
        summary: "List the stored tasks",
        description:
          "Answers JSON when `Accept` asks for `application/json` (a browser gets the board page). " +
          "Only stored tasks, sorted by id; `default` is always among them.",
        parameters: [
          {
            name: "limit",
            in: "query",
            required: false,
            description: `Tasks per page (default ${DEFAULT_LIST_LIMIT}).`,
            schema: { type: "integer", minimum: 1, maximum: MAX_LIST_LIMIT },
            example: 50,
          },
          {
            name: "after",
            in: "query",
            required: false,
            description:
              "The `next` of the page before: list the tasks after this id.",
            schema: ref("TaskId"),
            example: "deploy",
          },
        ],
        responses: {
          "200": json(ref("TaskList"), {
            page: {
              tasks: [
                {
                  id: "default",
                  name: "Tâche",
                  status: "En attente",
                  version: 0,
                  updatedAt: T1,
                },
                {
                  id: "nightly-build",
                  name: "Build de nuit",
                  status: "Terminée",
                  version: 7,
                  updatedAt: T2,
                },
              ],
              next: "nightly-build",
            },
          }, "One page of tasks, and `next` when more follow."),
          "400": error(
            "`limit` or `after` is not valid.",
            'limit must be an integer from 1 to 1000, got "0"',
          ),
          "503": STORE_DOWN,
        },
      },
    },
    [PAGE_AND_API_PATHS.task]: {
      get: forTask(op(API_PATHS.getStatus, "get"), "getTask", {
        "503": STORE_DOWN,
      }),
      put: {
        tags: ["tasks"],
        operationId: "setTaskIdentity",
        summary: "Name a task (storing it if it was not)",
        description:
          "Stores the task's name, description and link, which its pages, badge and `get-status` " +
          "show; a stored identity wins over TASK_NAME, TASK_DESCRIPTION and TASK_URL. Who may is " +
          "decided as for updates. A task not stored yet is stored at version 0.",
        security: admin,
        parameters: [TASK_PARAMETER],
        requestBody: identityBody,
        responses: {
          "200": json(
            ref("StatusAnswer"),
            { named: { ...running, task: identity } },
            "The task's state with its identity.",
            { ...noStore, "X-Status-Version": header("XStatusVersion") },
          ),
          "400": error(
            "The task id, or the body (not JSON, a bad or missing name, a bad description or url), is not valid.",
            "name must be 1 to 100 characters, got 0",
          ),
          "401": UNAUTHORIZED,
          "413": error(
            "The body is too large.",
            "body must be at most 4096 bytes",
          ),
          "415": error(
            "`Content-Type` is not JSON.",
            "Content-Type must be application/json",
          ),
          "503": STORE_DOWN,
          "507": FULL,
        },
      },
      delete: {
        tags: ["tasks"],
        operationId: "deleteTask",
        summary: "Delete a task",
        description:
          "The task reads as never set again (`En attente`, version 0, a new epoch), and its held " +
          "polls are answered with `reset`. Deleting `default` starts it over. Who may is decided as for updates.",
        security: admin,
        parameters: [TASK_PARAMETER],
        responses: {
          "200": json(
            ref("Deleted"),
            { deleted: { deleted: "nightly-build" } },
            "Deleted.",
          ),
          "400": BAD_ID,
          "401": UNAUTHORIZED,
          "404": error(
            "The task is not stored.",
            "task nightly-build is not stored",
          ),
          "503": STORE_DOWN,
        },
      },
    },
  };
}

/** The schemas the named tasks add. */
export function taskSchemas(): Record<string, Json> {
  return {
    TaskId: {
      description: "A task id.",
      type: "string",
      pattern: "^[a-z0-9-]{1,64}$",
      examples: ["nightly-build"],
    },
    TaskIdentity: {
      description:
        "What the task is: its stored identity, else (for `default`) TASK_NAME, TASK_DESCRIPTION and TASK_URL, else its id as its name.",
      type: "object",
      required: ["id", "name"],
      properties: {
        id: ref("TaskId"),
        name: { type: "string", minLength: 1 },
        description: { type: "string" },
        url: { type: "string", format: "uri" },
      },
      additionalProperties: false,
      examples: [identity],
    },
    IdentityRequest: {
      type: "object",
      required: ["name"],
      properties: {
        name: {
          type: "string",
          minLength: 1,
          description:
            `1 to ${MAX_NAME_CHARS} characters after NFC, no control characters.`,
        },
        description: {
          type: ["string", "null"],
          description:
            `At most ${MAX_DESCRIPTION_CHARS} characters; empty or null: none.`,
        },
        url: {
          type: ["string", "null"],
          format: "uri",
          description:
            `An http or https URL of at most ${MAX_URL_CHARS} characters.`,
        },
      },
      additionalProperties: false,
      examples: [{ name: "Build de nuit" }],
    },
    StatusAnswer: {
      description: "The state, with what the task is.",
      type: "object",
      allOf: [ref("TaskState")],
      properties: { task: ref("TaskIdentity") },
      required: ["task"],
      unevaluatedProperties: false,
    },
    TaskSummary: {
      type: "object",
      required: ["id", "name", "status", "version", "updatedAt"],
      properties: {
        id: ref("TaskId"),
        name: { type: "string" },
        status: ref("Status"),
        version: { type: "integer", minimum: 0 },
        updatedAt: { type: "string", format: "date-time" },
      },
      additionalProperties: false,
    },
    TaskList: {
      type: "object",
      required: ["tasks"],
      properties: {
        tasks: { type: "array", items: ref("TaskSummary") },
        next: ref("TaskId"),
      },
      additionalProperties: false,
    },
    MultiPollAnswer: {
      type: "object",
      required: ["tasks"],
      properties: {
        tasks: {
          type: "object",
          propertyNames: ref("TaskId"),
          additionalProperties: ref("PollAnswer"),
        },
        timeout: { const: true },
      },
      additionalProperties: false,
    },
    Deleted: {
      type: "object",
      required: ["deleted"],
      properties: { deleted: ref("TaskId") },
      additionalProperties: false,
    },
  };
}
