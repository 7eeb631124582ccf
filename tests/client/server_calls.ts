/** Small probes of a running server, shared by the client and command-line tests. */
import type { UpdateAnswer } from "../../lib/domain/task_state.ts";

/** Polls currently held by the server, from its metrics. */
export async function heldPolls(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = text.match(/^status_waiters (\d+)$/m);
  if (!match) throw new Error(`no status_waiters in the metrics:\n${text}`);
  return Number(match[1]);
}

/** Sends an update straight to the server, throwing unless it answers 200. */
export async function setStatus(
  url: string,
  status: string,
  token?: string,
): Promise<UpdateAnswer> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${url}/update-status`, {
    method: "POST",
    headers,
    body: JSON.stringify({ status }),
  });
  const body = await response.json();
  if (response.status !== 200) {
    throw new Error(
      `update answered ${response.status}: ${JSON.stringify(body)}`,
    );
  }
  return body;
}
