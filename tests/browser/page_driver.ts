/** What the page tests share: opening a tab that records its errors, reading the page, the server's gauges. */
import type { Browser, Page } from "../support/browser.ts";
import { metric } from "../support/http.ts";
import { waitFor } from "../support/server.ts";
import { updateStatus } from "../../lib/client/http.ts";
import type { UpdateAnswer } from "../../lib/domain/task_state.ts";
import type { Status } from "../../lib/domain/statuses.ts";

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = new URL("../artifacts/", import.meta.url);

/** A tab of the page and what it logged. */
export interface OpenedPage {
  page: Page;
  /** Console errors (but those allowed) and uncaught exceptions, in order. */
  problems: string[];
  /** Every console message, of any type, in order. */
  console: { type: string; text: string }[];
  /** Long polls this tab has sent so far. */
  polls(): number;
}

/** Options of {@link openPage}. */
export interface OpenOptions {
  width?: number;
  height?: number;
  javaScript?: boolean;
  /** Console errors to tolerate (the browser logs every failed request, even expected ones). */
  allow?: RegExp[];
  /** Runs in the page before any of its scripts (to take a Web API away, say). */
  beforeScripts?: () => void;
}

/** Opens `url` in a new tab, recording console errors and uncaught exceptions. */
export async function openPage(
  browser: Browser,
  url: string,
  options: OpenOptions = {},
): Promise<OpenedPage> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const messages: OpenedPage["console"] = [];
  let polls = 0;
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith("/poll-status") || path === "/poll-tasks") polls++;
  });
  const allowed = (text: string) => options.allow?.some((re) => re.test(text));
  page.on("console", (message) => {
    messages.push({ type: message.type(), text: message.text() });
    if (message.type() !== "error") return;
    const text = `${message.text()} ${message.location().url ?? ""}`.trim();
    if (!allowed(text)) problems.push(text);
  });
  page.on("pageerror", (error) => {
    problems.push(
      `uncaught: ${error instanceof Error ? error.message : error}`,
    );
  });
  await page.setViewport({
    width: options.width ?? 1280,
    height: options.height ?? 900,
  });
  if (options.javaScript === false) await page.setJavaScriptEnabled(false);
  if (options.beforeScripts) {
    await page.evaluateOnNewDocument(options.beforeScripts);
  }
  await page.goto(url, { waitUntil: "load" });
  return { page, problems, console: messages, polls: () => polls };
}

/** Waits until the page shows `status` (and `version`, when given). */
export async function waitForStatus(
  page: Page,
  status: Status,
  options: { version?: number; timeout?: number } = {},
): Promise<void> {
  await page.waitForFunction(
    (want: string, version: number | null) => {
      const shown = document.querySelector("#current-status");
      return shown?.getAttribute("data-status") === want &&
        (version === null ||
          shown.getAttribute("data-version") === String(version));
    },
    { timeout: options.timeout ?? 5_000, polling: 20 },
    status,
    options.version ?? null,
  );
}

/** Waits until the connection indicator is in state `kind`. */
export async function waitForConnection(
  page: Page,
  kind: "connecting" | "live" | "reconnecting" | "offline",
  timeout = 5_000,
): Promise<void> {
  await page.waitForSelector(`#connection[data-connection="${kind}"]`, {
    timeout,
  });
}

/** The history's change lines, newest first, as "status — origin" (without times and details). */
export function historyLines(page: Page): Promise<string[]> {
  return page.$$eval(
    "#history li[data-version], #history-older li[data-version]",
    (items) =>
      items.map((li) => {
        const [status, detail] = li.lastElementChild?.children ?? [];
        const origin = detail?.textContent?.split(" · ")[0] ?? "";
        return `${status?.textContent?.trim()} — ${origin.trim()}`;
      }),
  );
}

/** Waits until the connection journal has a line matching `pattern`. */
export async function waitForJournalLine(
  page: Page,
  pattern: RegExp,
  timeout = 5_000,
): Promise<void> {
  await page.waitForFunction(
    (source: string, flags: string) => {
      const re = new RegExp(source, flags);
      return [...document.querySelectorAll("#journal li")].some((li) =>
        re.test(li.textContent ?? "")
      );
    },
    { timeout, polling: 20 },
    pattern.source,
    pattern.flags,
  );
}

/** Changes the status from outside the page, as any HTTP client would (`base` may name a task: `…/tasks/x/`). */
export async function setStatus(
  base: string,
  status: Status,
  token?: string,
  who: { source?: "page" | "cli" | "api"; actor?: string } = {},
): Promise<UpdateAnswer> {
  if (who.source === undefined && who.actor === undefined) {
    return await updateStatus(base, status, { token });
  }
  const response = await fetch(`${base.replace(/\/$/, "")}/update-status`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ status, ...who }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`update refused: ${JSON.stringify(body)}`);
  return body;
}

/** The server's `status_waiters` gauge: polls held now. */
export function waiters(baseUrl: string): Promise<number> {
  return metric(baseUrl, "status_waiters");
}

/** Waits until the server holds exactly `count` polls. */
export async function waitForHeldPolls(
  baseUrl: string,
  count: number,
  what: string,
  timeout = 5_000,
): Promise<void> {
  await waitFor(async () => await waiters(baseUrl) === count, timeout, what);
}

/** Waits until no finite animation or transition runs (a picture of the resting page). */
export async function settle(page: Page, timeout = 3_000): Promise<void> {
  await page.waitForFunction(
    () =>
      document.getAnimations().every((animation) =>
        animation.playState !== "running" ||
        animation.effect?.getTiming().iterations === Infinity
      ),
    { timeout, polling: 50 },
  );
}

/** Saves a PNG of the page under tests/artifacts/. */
export async function screenshot(
  page: Page,
  name: string,
  fullPage = true,
): Promise<string> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const path = new URL(`${name}.png`, ARTIFACTS).pathname;
  await page.screenshot({ path: path as `${string}.png`, fullPage });
  return path;
}

/** Bytes of `data` once gzipped. */
export async function gzippedSize(data: Uint8Array): Promise<number> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/**
 * Answers the tab's polls with 503 and a long Retry-After, as a server with
 * no room would, until `stop()`; other requests go through.
 */
export async function refusePolls(page: Page): Promise<{ stop(): void }> {
  await page.setRequestInterception(true);
  let refuse = true;
  page.on("request", (request) => {
    if (request.isInterceptResolutionHandled()) return;
    const poll = new URL(request.url()).pathname.endsWith("/poll-status");
    if (poll && refuse) {
      request.respond({
        status: 503,
        headers: { "retry-after": "120" },
        contentType: "application/json",
        body: JSON.stringify({ error: "too many waiters" }),
      });
    } else {
      request.continue();
    }
  });
  return { stop: () => refuse = false };
}

/**
 * A TCP proxy on 127.0.0.1 to the app at `port` that rewrites each
 * request's `Host` to `host`: to the app, its clients then name another
 * machine, as a browser elsewhere on the network would (the proxy itself
 * stays on loopback).
 */
export function hostRewritingProxy(
  port: number,
  host: string,
): { url: string } & AsyncDisposable {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const pipe = async (
    from: Deno.Conn,
    to: Deno.Conn,
    rewrite?: (text: string) => string,
  ) => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(buffer);
        if (n === null) break;
        const bytes = buffer.slice(0, n);
        await to.write(
          rewrite
            ? new TextEncoder().encode(rewrite(new TextDecoder().decode(bytes)))
            : bytes,
        );
      }
    } catch {
      // Either side went away: the test is over with this connection.
    } finally {
      for (const conn of [from, to]) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
    }
  };
  const serving = (async () => {
    for await (const client of listener) {
      const app = await Deno.connect({ hostname: "127.0.0.1", port });
      conns.add(client).add(app);
      pipe(
        client,
        app,
        (text) => text.replace(/\r\nhost: [^\r]*/i, `\r\nHost: ${host}`),
      );
      pipe(app, client);
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await serving;
    },
  };
}

/** The computed background colour of `selector` as `#rrggbb`. */
export function backgroundOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => {
    const [r, g, b] = getComputedStyle(el).backgroundColor.match(/\d+/g)!
      .map(Number);
    return "#" + [r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("");
  });
}
