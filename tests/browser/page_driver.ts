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
    if (new URL(request.url()).pathname === "/poll-status") polls++;
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
      const badge = document.querySelector("#current-status");
      const meta = document.querySelector("#status-meta")?.textContent ?? "";
      return badge?.getAttribute("data-status") === want &&
        (version === null || meta.startsWith(`Version ${version} `));
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

/** The activity log's lines, newest first, without their times. */
export function logLines(page: Page): Promise<string[]> {
  return page.$$eval(
    "#activity-log li",
    (items) =>
      items.map((li) => li.lastElementChild?.textContent?.trim() ?? ""),
  );
}

/** Waits until the log has a line matching `pattern`. */
export async function waitForLogLine(
  page: Page,
  pattern: RegExp,
  timeout = 5_000,
): Promise<void> {
  await page.waitForFunction(
    (source: string, flags: string) => {
      const re = new RegExp(source, flags);
      return [...document.querySelectorAll("#activity-log li")].some((li) =>
        re.test(li.textContent ?? "")
      );
    },
    { timeout, polling: 20 },
    pattern.source,
    pattern.flags,
  );
}

/** Changes the status from outside the page, as any HTTP client would. */
export function setStatus(
  baseUrl: string,
  status: Status,
  token?: string,
): Promise<UpdateAnswer> {
  return updateStatus(baseUrl, status, { token });
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
    const poll = new URL(request.url()).pathname === "/poll-status";
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
