import assert from "node:assert/strict";
import { answerGetStatus } from "../../lib/http/get_status.ts";
import { testService } from "../support/service.ts";
import { RepeatAnswers } from "../../lib/fresh/repeat_answers.ts";

const read = (etag?: string) =>
  new Request("http://localhost/get-status", {
    headers: etag ? { "if-none-match": etag } : {},
  });

Deno.test("reads of an unchanged task share one answer; a change or a new name shows at once", async () => {
  const service = testService();
  await service.store.update("default", { status: "En cours" });
  const first = await answerGetStatus(read(), service);
  const second = await answerGetStatus(read(), service);
  assert.notEqual(first, second, "one Response per read");
  first.headers.set("x-only", "first");
  assert.equal(second.headers.get("x-only"), null);
  const body = await first.text();
  assert.equal(await second.text(), body);
  assert.equal(JSON.parse(body).status, "En cours");
  assert.equal(second.headers.get("x-content-type-options"), "nosniff");

  await service.store.update("default", { status: "Terminée" });
  const changed = await (await answerGetStatus(read(), service)).json();
  assert.equal(changed.status, "Terminée");

  await service.store.setIdentity("default", { name: "Nightly build" });
  const renamed = await (await answerGetStatus(read(), service)).json();
  assert.equal(renamed.task.name, "Nightly build");
  assert.equal(renamed.version, changed.version);
});

Deno.test("a read naming the current ETag gets 304 with no body", async () => {
  const service = testService();
  const etag = (await answerGetStatus(read(), service)).headers.get("etag")!;
  const response = await answerGetStatus(read(etag), service);
  assert.equal(response.status, 304);
  assert.equal(response.body, null);
  assert.equal(response.headers.get("etag"), etag);
});

Deno.test("a read may be given again only until the task changes or is renamed", async () => {
  const service = testService();
  const repeats = new RepeatAnswers();
  const url = "http://localhost/get-status";
  const readAndKeep = async () => {
    const response = await answerGetStatus(read(), service);
    repeats.offer(url, response);
    return response;
  };
  const first = await readAndKeep();
  assert.equal(repeats.take(url), first);
  await service.store.update("default", { status: "En cours" });
  assert.equal(repeats.take(url), undefined, "stale after an update");

  const second = await readAndKeep();
  assert.equal(repeats.take(url), second);
  await service.store.setIdentity("default", { name: "Nightly build" });
  assert.equal(repeats.take(url), undefined, "stale after a new name");
  const renamed = await (await readAndKeep()).clone().json();
  assert.equal(renamed.task.name, "Nightly build");
  assert.ok(repeats.take(url) !== undefined);
});
