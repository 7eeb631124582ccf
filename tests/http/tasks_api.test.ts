/** Named tasks through the handlers: what each endpoint answers, checked without a server. */
import assert from "node:assert/strict";
import { answerGetStatus } from "../../lib/http/get_status.ts";
import { answerPoll } from "../../lib/http/poll_status.ts";
import { answerPollTasks } from "../../lib/http/poll_tasks.ts";
import { answerUpdate } from "../../lib/http/update_status.ts";
import { answerBadge } from "../../lib/http/badge.ts";
import {
  answerDeleteTask,
  answerSetIdentity,
  answerTaskList,
  taskIdParam,
  wantsJson,
} from "../../lib/http/tasks.ts";
import { updateAccess } from "../../lib/http/page_access.ts";
import { taskPageData } from "../../lib/http/task_page_data.ts";
import { MemoryStore } from "../../lib/stores/memory_store.ts";
import { UNSET_EPOCH } from "../../lib/domain/stored_record.ts";
import { testService } from "../support/service.ts";

const LOCAL: Deno.NetAddr = {
  transport: "tcp",
  hostname: "127.0.0.1",
  port: 40_000,
};
const REMOTE: Deno.NetAddr = {
  transport: "tcp",
  hostname: "192.0.2.7",
  port: 40_000,
};

function get(path: string, init: RequestInit = {}): Request {
  return new Request(`http://localhost${path}`, init);
}

function post(path: string, body: unknown): Request {
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function json(response: Response | Promise<Response>) {
  const answered = await response;
  return { code: answered.status, body: await answered.json() };
}

async function set(
  service: ReturnType<typeof testService>,
  task: string,
  body: unknown,
) {
  return await json(
    answerUpdate(
      post(`/tasks/${task}/update-status`, body),
      service,
      LOCAL,
      task,
    ),
  );
}

Deno.test("a task id in a path is checked", () => {
  assert.deepEqual(taskIdParam("build-7"), { ok: true, id: "build-7" });
  const bad = taskIdParam("Build_7");
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.response.status, 400);
});

Deno.test("today's paths are the default task", async () => {
  const service = testService();
  const legacy = await json(answerGetStatus(get("/get-status"), service));
  const named = await json(
    answerGetStatus(get("/tasks/default/get-status"), service, "default"),
  );
  assert.deepEqual(legacy, named);
  assert.deepEqual(legacy.body.task, { id: "default", name: "Tâche" });
  await json(
    answerUpdate(
      post("/update-status", { status: "En cours" }),
      service,
      LOCAL,
    ),
  );
  const after = await json(
    answerGetStatus(get("/tasks/default/get-status"), service, "default"),
  );
  assert.equal(after.body.version, 1);
  assert.equal(after.body.status, "En cours");
  const polled = await json(
    answerPoll(
      get(`/poll-status?last_version=0&epoch=${after.body.epoch}`),
      service,
    ),
  );
  assert.equal(polled.body.changes[0].source, "api");
});

Deno.test("a task never set reads as En attente, version 0, named by its id", async () => {
  const service = testService();
  const response = await answerGetStatus(
    get("/tasks/nightly/get-status"),
    service,
    "nightly",
  );
  assert.equal(response.headers.get("etag"), `"${UNSET_EPOCH}.0"`);
  const body = await response.json();
  assert.deepEqual(
    { status: body.status, version: body.version, epoch: body.epoch },
    { status: "En attente", version: 0, epoch: UNSET_EPOCH },
  );
  assert.deepEqual(body.task, { id: "nightly", name: "nightly" });
  assert.equal(service.store.hubs.size, 1, "reading keeps no hub");
});

Deno.test("an update's source and actor are checked, kept and answered in changes", async (t) => {
  const service = testService();
  await t.step(
    "bad values answer 400 naming the field and change nothing",
    async () => {
      for (
        const [body, field] of [
          [{ status: "En cours", source: "web" }, /^source must be one of/],
          [{ status: "En cours", actor: "" }, /^actor must be 1 to 64/],
          [
            { status: "En cours", actor: "x".repeat(65) },
            /^actor must be 1 to 64/,
          ],
          [
            { status: "En cours", actor: "a\u0000b" },
            /^actor must not contain/,
          ],
          [{ status: "En cours", actor: 3 }, /^actor must be a string/],
        ] as const
      ) {
        const answer = await set(service, "build", body);
        assert.equal(answer.code, 400);
        assert.match(answer.body.error, field);
      }
      assert.equal((await service.store.read("build")).stored, false);
    },
  );
  await t.step(
    "good values are stored and come back in the changes",
    async () => {
      const answer = await set(service, "build", {
        status: "En cours",
        source: "cli",
        actor: "alice",
      });
      assert.equal(answer.code, 200);
      assert.equal(answer.body.version, 1);
      const polled = await json(
        answerPoll(
          get(
            `/tasks/build/poll-status?last_version=0&epoch=${answer.body.epoch}`,
          ),
          service,
          "build",
        ),
      );
      assert.deepEqual(polled.body.changes, [{
        version: 1,
        status: "En cours",
        at: answer.body.updatedAt,
        source: "cli",
        actor: "alice",
      }]);
    },
  );
});

Deno.test("past MAX_TASKS a new task answers 507 with a JSON error", async () => {
  const service = testService({}, new MemoryStore({ maxTasks: 1 }));
  assert.equal((await set(service, "a", { status: "En cours" })).code, 200);
  const refused = await set(service, "b", { status: "En cours" });
  assert.equal(refused.code, 507);
  assert.deepEqual(refused.body, {
    error: "MAX_TASKS (1) is reached: delete a task first",
  });
  assert.equal((await set(service, "a", { status: "Échec" })).code, 200);
});

Deno.test("one poll for several tasks", async (t) => {
  const service = testService();
  const a = await set(service, "a", { status: "En cours" });
  const b = await set(service, "b", { status: "En cours" });
  await set(service, "c", { status: "En cours" });
  const epochA = a.body.epoch;
  const epochB = b.body.epoch;
  const poll = (watch: string, signal?: AbortSignal) =>
    answerPollTasks(get(`/poll-tasks?watch=${watch}`, { signal }), service);

  await t.step(
    "answers at once with every task behind or to reset, and only those",
    async () => {
      const answer = await json(poll(`a:0:${epochA},b:1:${epochB},c:1:wrong`));
      assert.equal(answer.code, 200);
      assert.deepEqual(Object.keys(answer.body.tasks).sort(), ["a", "c"]);
      assert.deepEqual(
        answer.body.tasks.a.changes.map((c: { version: number }) => c.version),
        [1],
      );
      assert.equal(answer.body.tasks.c.reset, true);
    },
  );

  await t.step(
    "holds while all are current; a change of an unwatched task wakes nothing",
    async () => {
      const held = poll(`a:1:${epochA},b:1:${epochB}`);
      assert.equal(service.store.hubs.polls, 1);
      await set(service, "c", { status: "Terminée" });
      assert.equal(service.store.hubs.polls, 1, "still held");
      await set(service, "b", { status: "Échec" });
      const answer = await json(held);
      assert.deepEqual(Object.keys(answer.body.tasks), ["b"]);
      assert.equal(answer.body.tasks.b.version, 2);
      assert.equal(answer.body.tasks.b.changes[0].status, "Échec");
      assert.equal(service.store.hubs.polls, 0);
    },
  );

  await t.step(
    "a client that leaves is removed from every hub, its deadline with it",
    async () => {
      const controller = new AbortController();
      const held = poll(
        `a:1:${epochA},b:2:${epochB},never-set:0`,
        controller.signal,
      );
      const hubs = ["a", "b", "never-set"].map((id) =>
        service.store.hubs.peek(id)!
      );
      assert.deepEqual(hubs.map((hub) => hub.waiting), [1, 1, 1]);
      assert.equal(service.store.hubs.deadlines.armed, true);
      controller.abort();
      assert.equal((await held).status, 499);
      assert.deepEqual(hubs.map((hub) => hub.waiting), [0, 0, 0]);
      assert.equal(service.store.hubs.polls, 0);
      assert.equal(service.store.hubs.deadlines.size, 0);
      assert.equal(service.store.hubs.deadlines.armed, false);
      assert.equal(
        service.store.hubs.size,
        1,
        "only the default task's hub is kept",
      );
    },
  );

  await t.step("the hold ends with no task and timeout", async () => {
    const answer = await json(poll(`a:1:${epochA}&timeout=1`));
    assert.deepEqual(answer.body, { tasks: {}, timeout: true });
  });

  await t.step("at most 100 tasks, each once", async () => {
    const many = Array.from({ length: 101 }, (_, i) => `t${i}:0`).join(",");
    const over = await json(poll(many));
    assert.equal(over.code, 400);
    assert.match(over.body.error, /at most 100/);
    const twice = await json(poll("a:1,a:1"));
    assert.equal(twice.code, 400);
    assert.match(twice.body.error, /twice/);
  });
});

Deno.test("MAX_WAITERS counts polls, not the tasks they watch", async () => {
  const service = testService({ maxWaiters: 2 });
  const controller = new AbortController();
  const { signal } = controller;
  const multi = answerPollTasks(
    get("/poll-tasks?watch=a:0,b:0,c:0", { signal }),
    service,
  );
  const single = answerPoll(
    get("/tasks/d/poll-status?last_version=0", { signal }),
    service,
    "d",
  );
  assert.equal(service.store.hubs.polls, 2);
  const refused = await json(
    answerPollTasks(get("/poll-tasks?watch=e:0"), service),
  );
  assert.equal(refused.code, 503);
  controller.abort();
  await Promise.all([multi, single]);
  assert.equal(service.store.hubs.polls, 0);
});

Deno.test("deleting a task answers its held polls with reset", async () => {
  const service = testService();
  const stored = await set(service, "build", { status: "En cours" });
  const held = answerPoll(
    get(`/tasks/build/poll-status?last_version=1&epoch=${stored.body.epoch}`),
    service,
    "build",
  );
  const refused = await answerDeleteTask(
    new Request("http://localhost/tasks/build", { method: "DELETE" }),
    service,
    REMOTE,
    "build",
  );
  assert.equal(refused.status, 403);
  const deleted = await json(
    answerDeleteTask(
      new Request("http://localhost/tasks/build", { method: "DELETE" }),
      service,
      LOCAL,
      "build",
    ),
  );
  assert.deepEqual(deleted, { code: 200, body: { deleted: "build" } });
  const answer = await json(held);
  assert.equal(answer.body.reset, true);
  assert.equal(answer.body.version, 0);
  assert.equal(answer.body.epoch, UNSET_EPOCH);
  const again = await json(
    answerDeleteTask(
      new Request("http://localhost/tasks/build", { method: "DELETE" }),
      service,
      LOCAL,
      "build",
    ),
  );
  assert.equal(again.code, 404);
  assert.match(again.body.error, /build is not stored/);
});

Deno.test("the badge shows the task's name and status, with the state's ETag", async () => {
  const service = testService();
  await service.store.setIdentity("deploy", { name: "Déploiement <prod>" });
  await set(service, "deploy", { status: "Échec" });
  const response = await answerBadge(
    get("/tasks/deploy/badge.svg"),
    service,
    "deploy",
  );
  assert.equal(
    response.headers.get("content-type"),
    "image/svg+xml; charset=utf-8",
  );
  assert.equal(response.headers.get("cache-control"), "no-cache");
  const etag = response.headers.get("etag")!;
  assert.match(etag, /^"[^"]+\.1"$/);
  const svg = await response.text();
  assert.match(svg, /^<svg /);
  assert.ok(svg.includes("Déploiement &lt;prod&gt;"));
  assert.ok(svg.includes("Échec"));
  const again = await answerBadge(
    get("/tasks/deploy/badge.svg", { headers: { "if-none-match": etag } }),
    service,
    "deploy",
  );
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  const legacy = await answerBadge(get("/badge.svg"), service);
  assert.ok((await legacy.text()).includes("Tâche"));
  await set(service, "deploy", { status: "Terminée" });
  const changed = await answerBadge(
    get("/tasks/deploy/badge.svg", { headers: { "if-none-match": etag } }),
    service,
    "deploy",
  );
  assert.equal(changed.status, 200);
});

Deno.test("GET /tasks lists the stored tasks as JSON, by id, page by page", async () => {
  const service = testService();
  for (const id of ["b", "a", "c"]) {
    await set(service, id, { status: "En cours" });
  }
  await service.store.setIdentity("b", { name: "Bravo" });
  const first = await json(answerTaskList(get("/tasks?limit=2"), service));
  assert.equal(first.code, 200);
  assert.deepEqual(first.body.tasks.map((t: { id: string }) => t.id), [
    "a",
    "b",
  ]);
  assert.equal(first.body.tasks[1].name, "Bravo");
  assert.deepEqual(Object.keys(first.body.tasks[0]).sort(), [
    "id",
    "name",
    "status",
    "updatedAt",
    "version",
  ]);
  assert.equal(first.body.next, "b");
  const second = await json(
    answerTaskList(get("/tasks?limit=2&after=b"), service),
  );
  assert.deepEqual(second.body.tasks.map((t: { id: string }) => t.id), [
    "c",
    "default",
  ]);
  assert.equal(second.body.tasks[1].name, "Tâche");
  assert.equal(second.body.next, undefined);
  assert.equal(
    (await answerTaskList(get("/tasks?limit=0"), service)).status,
    400,
  );
});

Deno.test("PUT /tasks/{id} stores a task's identity", async () => {
  const service = testService({
    defaultTask: { name: "From env", description: "configured" },
  });
  const put = (task: string, body: unknown, addr = LOCAL) =>
    json(answerSetIdentity(
      new Request(`http://localhost/tasks/${task}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      service,
      addr,
      task,
    ));
  const stored = await put("deploy", {
    name: "Déploiement",
    url: "https://ci.example.com/7",
  });
  assert.equal(stored.code, 200);
  assert.deepEqual(stored.body.task, {
    id: "deploy",
    name: "Déploiement",
    url: "https://ci.example.com/7",
  });
  assert.equal(stored.body.version, 0);
  assert.equal((await put("deploy", { name: "" })).code, 400);
  assert.equal(
    (await put("deploy", { name: "x", url: "javascript:1" })).code,
    400,
  );
  assert.equal((await put("deploy", { name: "x" }, REMOTE)).code, 403);
  const before = await json(answerGetStatus(get("/get-status"), service));
  assert.deepEqual(before.body.task, {
    id: "default",
    name: "From env",
    description: "configured",
  });
  await put("default", { name: "Stored" });
  const after = await json(answerGetStatus(get("/get-status"), service));
  assert.deepEqual(after.body.task, { id: "default", name: "Stored" });
  const page = await taskPageData(
    get("/tasks/deploy"),
    service,
    LOCAL,
    "deploy",
  );
  assert.equal(page.task.name, "Déploiement");
  assert.equal(page.stored, true);
  assert.equal(page.updateAccess, "open");
});

Deno.test("who may update, as a page shows it", () => {
  const request = get("/");
  assert.equal(updateAccess(request, { adminToken: "t" }, REMOTE), "token");
  assert.equal(updateAccess(request, { adminToken: undefined }, LOCAL), "open");
  assert.equal(
    updateAccess(request, { adminToken: undefined }, REMOTE),
    "denied",
  );
  // A page reached through another name (a DNS rebinding) is not this machine.
  assert.equal(
    updateAccess(
      new Request("http://evil.example/"),
      { adminToken: undefined },
      LOCAL,
    ),
    "denied",
  );
});

Deno.test("/tasks and /tasks/{id} answer JSON when the request asks for it", () => {
  const accept = (value: string) =>
    get("/tasks", { headers: { accept: value } });
  assert.equal(wantsJson(accept("application/json")), true);
  assert.equal(wantsJson(accept("application/problem+json")), true);
  assert.equal(wantsJson(get("/tasks")), false);
  assert.equal(
    wantsJson(accept("text/html,application/xhtml+xml,application/json;q=0.9")),
    false,
  );
  assert.equal(wantsJson(accept("*/*")), false);
});
