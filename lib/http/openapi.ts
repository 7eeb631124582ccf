/** The OpenAPI 3.1 description of the HTTP API, served at `GET /openapi.json`. */
import { POLL_TIMEOUT_CEILING_MS } from "../app/config.ts";
import { HISTORY_LIMIT } from "../domain/history.ts";
import { STATUSES } from "../domain/statuses.ts";
import { MAX_ACTOR_CHARS, SOURCES } from "../domain/change_source.ts";
import { taskPaths, taskSchemas } from "./openapi_tasks.ts";
import { API_PATHS } from "./api_paths.ts";
import { MAX_BODY_BYTES } from "./update_status.ts";

/** The longest hold a client may ask for, in whole seconds. */
const HOLD_SECONDS = POLL_TIMEOUT_CEILING_MS / 1000;

/** A JSON value, as the document is made of. */
export type Json =
  | string
  | number
  | boolean
  | null
  | Json[]
  | { [key: string]: Json };

const EPOCH = "0f8b2c4e-3c1a-4d2e-9b7a-5e6f7a8b9c0d";
const OTHER_EPOCH = "6a1d0e52-98f3-4b7c-a2d4-1c3e5f7a9b0d";
const T0 = "2025-06-01T08:00:00.000Z";
const T1 = "2025-06-01T09:15:02.481Z";
const T2 = "2025-06-01T09:42:10.007Z";

const waiting = {
  status: "En attente",
  version: 0,
  epoch: EPOCH,
  updatedAt: T0,
};
const running = {
  status: "En cours",
  version: 1,
  epoch: EPOCH,
  updatedAt: T1,
};
const done = {
  status: "Terminée",
  version: 2,
  epoch: EPOCH,
  updatedAt: T2,
};

const DEFAULT_IDENTITY = { id: "default", name: "Tâche" };
const NAMED_IDENTITY = {
  id: "default",
  name: "Déploiement de la version 2.4",
  description: "Mise en production, tous les serveurs",
  url: "https://ci.example.com/jobs/1842",
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const json = (
  schema: Json,
  examples: Record<string, { summary: string; value: Json }>,
) => ({ "application/json": { schema, examples } });

const errorResponse = (
  description: string,
  example: string,
  headers: Record<string, Json> = {},
) => ({
  description,
  headers: { "Cache-Control": header("CacheControl"), ...headers },
  content: json(ref("Error"), {
    error: { summary: description, value: { error: example } },
  }),
});

/** The document; `servers` is relative, so it describes whichever host serves it. */
export const openApiDocument: { [key: string]: Json } = {
  openapi: "3.1.0",
  info: {
    title: "Statut de la tâche",
    version: "1.0.0",
    summary: "Tasks' statuses, pushed to every client by HTTP long polling.",
    description:
      "A task has one of four statuses and a version that grows by one with every change. " +
      "Clients long-poll `/poll-status` with the version and epoch they have and are answered " +
      "as soon as it changes, with every transition they missed. One server follows many " +
      "named tasks (`/tasks/{id}/…`, ids of 1 to 64 lower-case letters, digits and `-`); the " +
      "paths without a task mean the task `default`, and `/poll-tasks` watches up to 100 tasks " +
      "in one poll. All bodies are UTF-8 JSON and every API answer carries " +
      "`Cache-Control: no-store`. An unknown API path answers " +
      '`404 {"error": …}`.',
  },
  servers: [{ url: "/" }],
  tags: [
    {
      name: "status",
      description: "Read, change and watch the task's status.",
    },
    {
      name: "tasks",
      description: "List, name and delete tasks; watch several at once.",
    },
    { name: "operations", description: "Health, metrics and this document." },
  ],
  paths: {
    [API_PATHS.getStatus]: {
      get: {
        tags: ["status"],
        operationId: "getStatus",
        summary: "Read the current state",
        parameters: [{
          name: "If-None-Match",
          in: "header",
          required: false,
          description:
            "An ETag from an earlier answer: the same state answers 304 without a body.",
          schema: { type: "string" },
          example: `"${EPOCH}.1"`,
        }],
        responses: {
          "200": {
            description: "The current state.",
            headers: {
              "Cache-Control": header("CacheControl"),
              ETag: header("ETag"),
              "X-Status-Version": header("XStatusVersion"),
            },
            content: json(ref("StatusAnswer"), {
              initial: {
                summary: "Nobody changed it yet",
                value: { ...waiting, task: DEFAULT_IDENTITY },
              },
              running: {
                summary: "Running, with the identity TASK_* set",
                value: { ...running, task: NAMED_IDENTITY },
              },
            }),
          },
          "304": {
            description:
              "`If-None-Match` named the current state: nothing changed.",
            headers: {
              "Cache-Control": header("CacheControl"),
              ETag: header("ETag"),
              "X-Status-Version": header("XStatusVersion"),
            },
          },
        },
      },
    },
    [API_PATHS.updateStatus]: {
      post: {
        tags: ["status"],
        operationId: "updateStatus",
        summary: "Change the status",
        description:
          "Setting the status it already has changes nothing and wakes nobody. With " +
          "`expected_version`, the update happens only if that is still the current version " +
          "(compare-and-set). The body must be JSON (`Content-Type: application/json`), which " +
          "is also the CSRF defence: a cross-site form cannot send it without a preflight.",
        security: [{}, { adminToken: [] }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: ref("UpdateRequest"),
              examples: {
                set: { summary: "Set a status", value: { status: "En cours" } },
                compareAndSet: {
                  summary: "Set it only if nobody changed it since version 1",
                  value: { status: "Terminée", expected_version: 1 },
                },
              },
            },
          },
        },
        responses: {
          "200": {
            description:
              "Updated, or unchanged when the status was already that one.",
            headers: {
              "Cache-Control": header("CacheControl"),
              "X-Status-Version": header("XStatusVersion"),
            },
            content: json(ref("UpdateAnswer"), {
              changed: {
                summary: "The status changed",
                value: { message: "Statut mis à jour avec succès", ...running },
              },
              unchanged: {
                summary: "It already had that status",
                value: { message: "Statut inchangé", ...running },
              },
            }),
          },
          "400": {
            description:
              "The body is not JSON, not an object, has no string `status`, names an " +
              "unknown status (then `allowed` lists the four), or has a bad `expected_version`, " +
              "`source` or `actor` (the error names the field).",
            headers: { "Cache-Control": header("CacheControl") },
            content: json(
              { oneOf: [ref("UnknownStatusError"), ref("Error")] },
              {
                notJson: {
                  summary: "Not JSON",
                  value: {
                    error: 'body must be JSON, e.g. {"status":"En cours"}',
                  },
                },
                unknownStatus: {
                  summary: "Unknown status",
                  value: {
                    error:
                      'unknown status "Fini": status must be one of "En attente", "En cours", "Terminée", "Échec"',
                    allowed: [...STATUSES],
                  },
                },
              },
            ),
          },
          "401": errorResponse(
            "The server has an admin token and the request did not carry it.",
            "this server needs the admin token: send Authorization: Bearer <ADMIN_TOKEN>",
            { "WWW-Authenticate": header("WWWAuthenticate") },
          ),
          "409": {
            description:
              "`expected_version` is not the current version: nothing changed. The body carries the current state.",
            headers: {
              "Cache-Control": header("CacheControl"),
              "X-Status-Version": header("XStatusVersion"),
            },
            content: json(ref("ConflictError"), {
              conflict: {
                summary: "Someone changed it first",
                value: {
                  error: "expected_version 1 is not the current version 2",
                  ...done,
                },
              },
            }),
          },
          "413": errorResponse(
            `The body is over ${MAX_BODY_BYTES} bytes; it is refused without being read.`,
            `body must be at most ${MAX_BODY_BYTES} bytes`,
          ),
          "415": errorResponse(
            "`Content-Type` is not JSON.",
            "Content-Type must be application/json",
          ),
          "503": errorResponse(
            "The store cannot save the update right now.",
            "the status could not be saved: connection refused",
            { "Retry-After": header("RetryAfter") },
          ),
        },
      },
      get: {
        tags: ["status"],
        operationId: "updateStatusWrongMethod",
        summary: "Any method but POST is refused",
        responses: {
          "405": errorResponse(
            "Only POST changes the status.",
            "method GET is not allowed here: use POST",
            { Allow: header("Allow") },
          ),
        },
      },
    },
    [API_PATHS.pollStatus]: {
      get: {
        tags: ["status"],
        operationId: "pollStatus",
        summary: "Wait for the next change (long poll)",
        description:
          "Answers at once when the client is behind (with the `changes` it missed, oldest " +
          `first, from the last ${HISTORY_LIMIT} kept; \`truncated\` when it is further behind), when it has ` +
          "no `last_version`, or when it must resync (`reset`: another epoch, or a version " +
          "ahead of the server's). Otherwise the poll is held until the status changes or the " +
          `hold time ends (\`timeout\`). The hold is at most ${HOLD_SECONDS} s (\`POLL_TIMEOUT_MS\`) with up ` +
          "to 1/16 taken off at random. A client should poll again at once after each answer, " +
          "and back off with jitter after errors.",
        parameters: [
          {
            name: "last_version",
            in: "query",
            required: false,
            description:
              "The version the client has. Without it the current state is answered at once.",
            schema: {
              type: "integer",
              minimum: 0,
              maximum: Number.MAX_SAFE_INTEGER,
            },
            example: 1,
          },
          {
            name: "epoch",
            in: "query",
            required: false,
            description:
              "The epoch of `last_version`. Another epoch than the server's answers `reset` at once.",
            schema: { type: "string" },
            example: EPOCH,
          },
          {
            name: "timeout",
            in: "query",
            required: false,
            description:
              "A shorter hold, in whole seconds (1 up to the server's hold time).",
            schema: { type: "integer", minimum: 1, maximum: HOLD_SECONDS },
            example: 10,
          },
        ],
        responses: {
          "200": {
            description: "The current state, and why the poll was answered.",
            headers: {
              "Cache-Control": header("CacheControl"),
              "X-Status-Version": header("XStatusVersion"),
            },
            content: json(ref("PollAnswer"), {
              current: {
                summary: "No `last_version`: the state at once",
                value: running,
              },
              changed: {
                summary: "What the client missed",
                value: {
                  ...done,
                  changes: [
                    {
                      version: 1,
                      status: "En cours",
                      at: T1,
                      source: "page",
                      actor: "alice",
                    },
                    { version: 2, status: "Terminée", at: T2, source: "cli" },
                  ],
                },
              },
              truncated: {
                summary: "Further behind than the kept history",
                value: {
                  ...done,
                  version: 130,
                  changes: [{
                    version: 130,
                    status: "Terminée",
                    at: T2,
                    source: "api",
                  }],
                  truncated: true,
                },
              },
              reset: {
                summary: "Another epoch: resync from this state",
                value: { ...waiting, epoch: OTHER_EPOCH, reset: true },
              },
              timeout: {
                summary: "Nothing changed during the hold",
                value: { ...running, timeout: true },
              },
            }),
          },
          "400": errorResponse(
            "`last_version` or `timeout` is not a valid integer.",
            'last_version must be a non-negative integer up to 2^53-1, got "abc"',
          ),
          "503": errorResponse(
            "Too many polls are held (`MAX_WAITERS`): retry after `Retry-After` seconds, with jitter.",
            "too many held polls (MAX_WAITERS is 100000); retry later",
            { "Retry-After": header("RetryAfter") },
          ),
        },
      },
    },
    [API_PATHS.healthz]: {
      get: {
        tags: ["operations"],
        operationId: "health",
        summary: "Is the service able to take updates?",
        responses: {
          "200": {
            description: "Healthy.",
            headers: { "Cache-Control": header("CacheControl") },
            content: json(ref("Health"), {
              ok: { summary: "Healthy", value: { ok: true, store: "memory" } },
            }),
          },
          "503": {
            description: "The store cannot take updates.",
            headers: { "Cache-Control": header("CacheControl") },
            content: json(ref("Health"), {
              down: {
                summary: "The store is down",
                value: {
                  ok: false,
                  store: "redis",
                  error: "the redis store cannot take updates right now",
                },
              },
            }),
          },
        },
      },
    },
    [API_PATHS.metrics]: {
      get: {
        tags: ["operations"],
        operationId: "metrics",
        summary: "Prometheus metrics",
        responses: {
          "200": {
            description:
              "Prometheus text format: the current version, waiters held, updates, poll answers by outcome, and the fan-out time histogram.",
            headers: { "Cache-Control": header("CacheControl") },
            content: {
              "text/plain": {
                schema: { type: "string" },
                example: "# TYPE status_version gauge\nstatus_version 2\n",
              },
            },
          },
        },
      },
    },
    [API_PATHS.openapi]: {
      get: {
        tags: ["operations"],
        operationId: "openapi",
        summary: "This document",
        responses: {
          "200": {
            description: "The OpenAPI 3.1 description of the API.",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["openapi", "info", "paths"],
                  properties: {
                    openapi: { type: "string", pattern: "^3\\.1\\." },
                    info: { type: "object" },
                    paths: { type: "object" },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      adminToken: {
        type: "http",
        scheme: "bearer",
        description:
          "Needed by `POST /update-status` when the server is started with `ADMIN_TOKEN`.",
      },
    },
    headers: {
      CacheControl: {
        description: "API answers are never cached.",
        required: true,
        schema: { type: "string", const: "no-store" },
      },
      ETag: {
        description: 'The state\'s entity tag, `"<epoch>.<version>"`.',
        required: true,
        schema: { type: "string", pattern: '^"[^"]+\\.\\d+"$' },
        example: `"${EPOCH}.1"`,
      },
      XStatusVersion: {
        description:
          "The version of the state in the body, for clients behind a proxy that rewrites bodies.",
        required: true,
        schema: { type: "string", pattern: "^\\d+$" },
        example: "1",
      },
      RetryAfter: {
        description: "Seconds to wait before trying again.",
        required: true,
        schema: { type: "string", pattern: "^\\d+$" },
        example: "5",
      },
      WWWAuthenticate: {
        description: "The authentication scheme to use: a bearer token.",
        required: true,
        schema: { type: "string", pattern: "^Bearer\\b" },
        example: 'Bearer realm="status"',
      },
      Allow: {
        description: "The methods the path accepts.",
        required: true,
        schema: { type: "string", const: "POST" },
      },
    },
    schemas: {
      Status: {
        description: "One of the four statuses, NFC-normalised.",
        type: "string",
        enum: [...STATUSES],
        examples: ["En cours"],
      },
      TaskState: {
        type: "object",
        required: ["status", "version", "epoch", "updatedAt"],
        properties: {
          status: ref("Status"),
          version: {
            description:
              "0 at first start, +1 for every update that changes the status.",
            type: "integer",
            minimum: 0,
            maximum: Number.MAX_SAFE_INTEGER,
          },
          epoch: {
            description:
              "Changes whenever the version sequence restarts; a client that sees another one must resync.",
            type: "string",
            minLength: 1,
          },
          updatedAt: {
            description:
              "ISO-8601 UTC time of the last change (of the start, for version 0).",
            type: "string",
            format: "date-time",
          },
        },
        examples: [running],
      },
      Change: {
        description: "One transition, where it came from and who made it.",
        type: "object",
        required: ["version", "status", "at", "source"],
        properties: {
          version: { type: "integer", minimum: 1 },
          status: ref("Status"),
          at: { type: "string", format: "date-time" },
          source: ref("Source"),
          actor: ref("Actor"),
        },
        additionalProperties: false,
        examples: [
          {
            version: 1,
            status: "En cours",
            at: T1,
            source: "cli",
            actor: "bob",
          },
        ],
      },
      Source: {
        description:
          "Where a change came from: the page, the command line, or any other client (`api`, the default; changes stored before sources were kept read as `api`).",
        type: "string",
        enum: [...SOURCES],
      },
      Actor: {
        description:
          `Who made the change, as its client said: 1 to ${MAX_ACTOR_CHARS} characters after NFC, no control characters.`,
        type: "string",
        minLength: 1,
        examples: ["alice"],
      },
      PollAnswer: {
        description:
          "The current state, plus what the client missed or why it must resync.",
        type: "object",
        allOf: [ref("TaskState")],
        properties: {
          changes: {
            description:
              `The transitions the client missed, oldest first (the last ${HISTORY_LIMIT} kept).`,
            type: "array",
            items: ref("Change"),
          },
          truncated: {
            description: "The client is further behind than `changes` reaches.",
            const: true,
          },
          reset: {
            description:
              "Another epoch, or a version ahead of the server's: resync from this state.",
            const: true,
          },
          timeout: {
            description: "Nothing changed during the hold.",
            const: true,
          },
        },
        unevaluatedProperties: false,
      },
      UpdateRequest: {
        type: "object",
        required: ["status"],
        properties: {
          status: ref("Status"),
          expected_version: {
            description:
              "Compare-and-set: change only if this is the current version (else 409).",
            type: "integer",
            minimum: 0,
            maximum: Number.MAX_SAFE_INTEGER,
          },
          source: ref("Source"),
          actor: ref("Actor"),
        },
        examples: [
          { status: "En cours" },
          { status: "Terminée", source: "cli", actor: "bob" },
        ],
      },
      UpdateAnswer: {
        type: "object",
        allOf: [ref("TaskState")],
        properties: {
          message: {
            type: "string",
            examples: ["Statut mis à jour avec succès", "Statut inchangé"],
          },
        },
        required: ["message"],
        unevaluatedProperties: false,
      },
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            description: "What was wrong, for a person.",
            type: "string",
          },
        },
        additionalProperties: false,
        examples: [{ error: "Content-Type must be application/json" }],
      },
      UnknownStatusError: {
        type: "object",
        required: ["error", "allowed"],
        properties: {
          error: { type: "string" },
          allowed: {
            description: "The four statuses.",
            type: "array",
            items: ref("Status"),
          },
        },
        additionalProperties: false,
      },
      ConflictError: {
        description:
          "The compare-and-set failed: the error and the current state.",
        type: "object",
        allOf: [ref("TaskState")],
        properties: { error: { type: "string" } },
        required: ["error"],
        unevaluatedProperties: false,
      },
      Health: {
        type: "object",
        required: ["ok"],
        properties: {
          ok: { type: "boolean" },
          store: {
            description: "Which store keeps the status.",
            type: "string",
            enum: ["memory", "kv", "redis"],
          },
          error: { type: "string" },
        },
        additionalProperties: false,
      },
    },
  },
};

// The named tasks: their paths (built on today's operations) and schemas.
Object.assign(
  openApiDocument.paths as Record<string, Json>,
  taskPaths(openApiDocument.paths as Record<string, Json>),
);
Object.assign(
  (openApiDocument.components as Record<string, Record<string, Json>>)
    .schemas,
  taskSchemas(),
);
