/** The fixture app of the Fresh core tests, in process or as a real process. */
import { createHandler, type ServeHandler } from "$fresh/server.ts";
import config from "../fixtures/app/fresh.config.ts";
import manifest from "../fixtures/app/fresh.gen.ts";

/** The repository root, where `deno` runs from. */
export const ROOT = new URL("../../", import.meta.url);
/** The fixture app's directory. */
export const APP = new URL("../fixtures/app/", import.meta.url);

const INFO = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
  completed: Promise.resolve(),
} as Deno.ServeHandlerInfo<Deno.NetAddr>;

let handler: Promise<ServeHandler> | undefined;

/** Sends one request to the fixture app's handler, without a socket. */
export async function request(
  path: string,
  init?: RequestInit,
): Promise<Response> {
  handler ??= createHandler(manifest, config);
  return (await handler)(
    new Request(new URL(path, "http://localhost"), init),
    INFO,
  );
}

/** Serves the fixture app on an ephemeral loopback port until `close()`. */
export async function serveFixture(): Promise<
  { url: string; close(): Promise<void> }
> {
  const app = await createHandler(manifest, config);
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    app,
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}

/** Waits until `check` holds, polling, or fails after `ms`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
