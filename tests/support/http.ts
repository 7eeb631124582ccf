/** HTTP calls the multi-process tests share. */
import assert from "node:assert/strict";
import type { Status } from "../../lib/domain/statuses.ts";

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
