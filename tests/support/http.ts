/** HTTP calls and checks the multi-process tests share. */
import assert from "node:assert/strict";
import type { Status } from "../../lib/domain/statuses.ts";
import type { PollAnswer, TaskState } from "../../lib/domain/task_state.ts";
import { waitFor } from "./server.ts";

/**
 * `fetch` through `client`, whose connections no other request shares.
 * (Deno's `client` option is missing from the DOM's `RequestInit` type.)
 */
export function fetchVia(
  client: Deno.HttpClient | undefined,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(url, { ...init, client } as RequestInit);
}

/**
 * A JSON answer over a connection of its own, so that a server of several
 * workers or processes on one port may route it to any of them.
 */
export async function fresh<T>(
  url: string,
  init: RequestInit = {},
): Promise<{ code: number; body: T }> {
  using client = Deno.createHttpClient({});
  const response = await fetchVia(client, url, init);
  return { code: response.status, body: await response.json() as T };
}

/** `POST /update-status` with a JSON body, on `client`'s connections if given. */
export function postStatus(
  url: string,
  body: { status: Status; expected_version?: number },
  client?: Deno.HttpClient,
): Promise<Response> {
  return fetchVia(client, `${url}/update-status`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Reads one unlabelled gauge or counter from `/metrics`, on a fresh connection. */
export async function metric(url: string, name: string): Promise<number> {
  using client = Deno.createHttpClient({});
  const text = await (await fetchVia(client, `${url}/metrics`)).text();
  const match = text.match(new RegExp(`^${name} (\\d+)$`, "m"));
  assert.ok(match, `${name} missing from /metrics`);
  return Number(match[1]);
}

/** Waits until the process at `url` serves version `version`. */
export async function waitForVersion(
  url: string,
  version: number,
  what: string,
): Promise<void> {
  await waitFor(
    async () =>
      (await fresh<TaskState>(`${url}/get-status`)).body.version === version,
    5_000,
    what,
  );
}

/** `count` HTTP clients, each with connections of its own; `using` closes them all. */
export function httpClients(count: number): Deno.HttpClient[] & Disposable {
  const clients = Array.from(
    { length: count },
    () => Deno.createHttpClient({}),
  );
  return Object.assign(clients, {
    [Symbol.dispose]() {
      for (const client of clients) client.close();
    },
  });
}

/** A poll's answer: its status code and body. */
export interface PollReply {
  code: number;
  body: PollAnswer;
}

/**
 * Sends `count` polls at `state`, spread over `urls` and `clients`; they
 * are held until something answers them.
 */
export function holdPolls(
  urls: string[],
  state: TaskState,
  count: number,
  clients: Deno.HttpClient[],
): Promise<PollReply[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const response = await fetchVia(
      clients[i % clients.length],
      `${
        urls[i % urls.length]
      }/poll-status?last_version=${state.version}&epoch=${state.epoch}`,
    );
    return { code: response.status, body: await response.json() };
  }));
}

/** Checks that every answer is the one change to `next` right after `state`. */
export function assertWokenBy(
  answers: PollReply[],
  state: TaskState,
  next: Status,
): void {
  for (const { code, body } of answers) {
    assert.equal(code, 200);
    assert.equal(body.timeout, undefined, "a held poll was not woken");
    assert.equal(body.epoch, state.epoch);
    assert.equal(body.version, state.version + 1);
    assert.deepEqual(
      body.changes?.map((c) => [c.version, c.status]),
      [[state.version + 1, next]],
    );
  }
}

/** Checks that every answer is `state` unchanged, answered before its time-out (as a stopping server answers). */
function assertReleasedAt(answers: PollReply[], state: TaskState): void {
  for (const { code, body } of answers) {
    assert.equal(code, 200);
    assert.equal(body.version, state.version);
    assert.equal(body.timeout, undefined);
  }
}

/** A status other than `state`'s, for an update that changes something. */
export function otherStatus(state: TaskState): Status {
  return state.status === "En cours" ? "Terminée" : "En cours";
}

/**
 * Holds `count` polls at the current version spread over `pollUrls`, waits
 * for `whenHeld`, sends one update through `updateUrl`, and checks that
 * every poll got it. Resolves with the time from the update to the last
 * answer, in milliseconds.
 */
export async function wakeAll(
  pollUrls: string[],
  updateUrl: string,
  count: number,
  whenHeld: () => Promise<boolean>,
): Promise<number> {
  const state = (await fresh<TaskState>(`${updateUrl}/get-status`)).body;
  using clients = httpClients(25);
  let last = 0;
  const answers = holdPolls(pollUrls, state, count, clients).then(
    (replies) => {
      last = performance.now();
      return replies;
    },
  );
  // Should the wait fail, that failure is the one to report.
  answers.catch(() => {});
  await waitFor(whenHeld, 10_000, `${count} polls to be held`);
  const next = otherStatus(state);
  const sentAt = performance.now();
  using client = Deno.createHttpClient({});
  const response = await postStatus(updateUrl, { status: next }, client);
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assertWokenBy(await answers, state, next);
  return last - sentAt;
}

/**
 * The values of metric `name` on the two workers (or processes) behind
 * `url`, once they add up to `total`: each read on a fresh connection lands
 * on either, so read until two values show up or `reads` run out (one value
 * read every time is an even split). Undefined otherwise (a worker not
 * reached, or the values changing meanwhile).
 */
export async function workerShares(
  url: string,
  name: string,
  total: number,
  reads = 32,
): Promise<[number, number] | undefined> {
  const seen = new Set<number>();
  for (let i = 0; i < reads && seen.size < 2; i++) {
    seen.add(await metric(url, name));
  }
  const values = [...seen];
  if (values.length === 2 && values[0] + values[1] === total) {
    return [values[0], values[1]];
  }
  if (values.length === 1 && values[0] * 2 === total) {
    return [values[0], values[0]];
  }
  return undefined;
}

/**
 * Holds `count` polls on the server behind `url` (its two workers or
 * processes), waits until they are all held, runs `stop`, and checks that
 * every poll was answered with the state as it was. Resolves with what
 * `stop` resolved with.
 */
export async function stopWhileHolding<T>(
  url: string,
  count: number,
  stop: () => Promise<T>,
): Promise<T> {
  const state = (await fresh<TaskState>(`${url}/get-status`)).body;
  using clients = httpClients(10);
  const answers = holdPolls([url], state, count, clients);
  // Should the wait fail, that failure is the one to report.
  answers.catch(() => {});
  await waitFor(
    async () => await workerShares(url, "status_waiters", count) !== undefined,
    10_000,
    `${count} polls to be held`,
  );
  const stopped = await stop();
  assertReleasedAt(await answers, state);
  return stopped;
}
