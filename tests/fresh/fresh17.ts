/**
 * The Fresh 1.7 fixture apps under `tests/fixtures/fresh17/<area>/`, each
 * written as Fresh's documentation writes an app: served in process, with
 * its own manifest and config.
 */
import {
  createHandler,
  type FreshConfig,
  type Manifest,
} from "$fresh/server.ts";
import type { ServeHandler } from "$fresh/server.ts";
import type { Page } from "../support/browser.ts";

/** The fixture areas. */
export type Area =
  | "routes"
  | "router"
  | "context"
  | "islands"
  | "runtime"
  | "plugins"
  | "tailwind";

/** A fixture app's directory. */
export function appDir(area: Area): URL {
  return new URL(`../fixtures/fresh17/${area}/`, import.meta.url);
}

/** The manifest and config of a fixture app. */
export async function loadApp(
  area: Area,
): Promise<{ manifest: Manifest; config: FreshConfig }> {
  const dir = appDir(area);
  const manifest = (await import(new URL("fresh.gen.ts", dir).href)).default;
  const config = (await import(new URL("fresh.config.ts", dir).href)).default;
  return { manifest, config };
}

const handlers = new Map<string, Promise<ServeHandler>>();

/** The handler of a fixture app (made once per area and config). */
export function appHandler(
  area: Area,
  override?: (config: FreshConfig) => FreshConfig,
): Promise<ServeHandler> {
  const key = override ? `${area}:${override}` : area;
  let handler = handlers.get(key);
  if (!handler) {
    handler = loadApp(area).then(({ manifest, config }) =>
      createHandler(manifest, override ? override(config) : config)
    );
    handlers.set(key, handler);
  }
  return handler;
}

/** Sends one request to a fixture app, without a socket (and without connection info). */
export async function fetchApp(
  area: Area,
  path: string,
  init?: RequestInit,
): Promise<Response> {
  const handler = await appHandler(area);
  return handler(new Request(new URL(path, "http://localhost"), init));
}

/** The status and body text of a request to a fixture app. */
export async function textOf(
  area: Area,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetchApp(area, path, init);
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** Serves a fixture app on an ephemeral loopback port until `close()`. */
export async function serveApp(
  area: Area,
): Promise<{ url: string; close(): Promise<void> }> {
  const handler = await appHandler(area);
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    handler,
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}

/** Collects page errors, console errors and failed requests (but the favicon) of `page`. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (m) => {
    const text = m.text();
    if (m.type() === "error" && !text.startsWith("Failed to load resource")) {
      errors.push(text);
    }
  });
  page.on("response", (res) => {
    if (res.status() >= 400 && !res.url().endsWith("/favicon.ico")) {
      errors.push(`${res.status()} ${res.url()}`);
    }
  });
  return errors;
}
