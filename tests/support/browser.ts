/**
 * Drives Debian's Chromium (headless) with puppeteer-core, for tests that must
 * see a page as a person does. Never downloads a browser of its own.
 *
 * ```ts
 * browserTest("the counter counts", async (browser) => {
 *   const page = await browser.newPage();
 *   await page.goto(url);
 *   await page.click("button");
 * });
 * ```
 */
import puppeteer, { type Browser } from "puppeteer-core";
import { CHROMIUM, locate, needs, programOf } from "./requirements.ts";

export type { Browser, Page } from "puppeteer-core";

/** The Chromium binary; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = programOf(CHROMIUM);

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** True when the Chromium binary exists. */
export function hasChromium(): boolean {
  return locate(CHROMIUM) !== undefined;
}

/** A running browser with its own fresh profile; `close()` ends both. */
export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Starts headless Chromium with a fresh temporary profile. */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  const userDataDir = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      userDataDir,
      args: ARGS,
    });
  } catch (error) {
    await Deno.remove(userDataDir, { recursive: true });
    throw error;
  }
  return {
    browser,
    async close() {
      try {
        await browser.close();
      } finally {
        await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
      }
    },
  };
}

/** Runs `fn` with a fresh browser, which is closed whatever `fn` does. */
export async function withBrowser<T>(
  fn: (browser: Browser) => Promise<T>,
): Promise<T> {
  const launched = await launchBrowser();
  try {
    return await fn(launched.browser);
  } finally {
    await launched.close();
  }
}

/**
 * Registers a test that gets a fresh browser. Without Chromium the test is
 * ignored, with a loud message, except in CI (CI=true), where it fails.
 * Sanitizers stay on: puppeteer-core leaves nothing behind once the browser
 * is closed.
 */
export function browserTest(
  name: string,
  fn: (browser: Browser, t: Deno.TestContext) => Promise<void>,
): void {
  const missing = !hasChromium();
  // Skipped loudly (once per file) without Chromium, except in CI.
  if (needs(CHROMIUM).ignore) {
    Deno.test({ name, ignore: true, fn() {} });
    return;
  }
  Deno.test({
    name,
    async fn(t) {
      if (missing) {
        throw new Error(
          `no Chromium at ${CHROMIUM_PATH}: browser tests cannot run in CI (apt-get install chromium)`,
        );
      }
      await withBrowser((browser) => fn(browser, t));
    },
  });
}
