/**
 * The page tests' fixture: each test gets the app started, the page open in
 * a tab that records its console errors and uncaught exceptions, and fails
 * if any tab logged one the test did not declare; tabs and apps are closed
 * whatever the test does.
 *
 * ```ts
 * pageTest("a click shows the new status", async ({ page }) => {
 *   await page.click('[data-choose="En cours"]');
 *   await waitForStatus(page, "En cours");
 * });
 * ```
 */
import { type Browser, browserTest, type Page } from "../support/browser.ts";
import {
  type AppProcess,
  startApp,
  type StartOptions,
} from "../support/server.ts";
import { type OpenedPage, type OpenOptions, openPage } from "./page_driver.ts";

/** What a page test sets up before its body runs. */
export interface PageTestOptions {
  /** Environment of the app (ADMIN_TOKEN, say). */
  env?: Record<string, string>;
  /**
   * How the first tabs open: viewport, JavaScript, scripts to run first, and
   * the console errors they may log (the browser reports every failed
   * request, even those the page handles).
   */
  page?: OpenOptions;
  /** How many tabs open on the page before the body runs (1 by default). */
  tabs?: number;
  /** Runs once the app is up, before any tab opens (to set a status the first render shows). */
  beforeOpen?: (app: AppProcess) => Promise<unknown>;
}

/** What a page test's body is given. */
export interface PageFixture {
  /** The app, started with the test's `env`. */
  app: AppProcess;
  /** The first tab's page. */
  page: Page;
  /** The first tab: its page, its errors and its poll count. */
  tab: OpenedPage;
  /** The tabs opened before the body ran, in order. */
  tabs: OpenedPage[];
  browser: Browser;
  t: Deno.TestContext;
  /**
   * Opens one more tab, of the page or of `url`; it is checked and closed
   * like the others.
   */
  openTab(options?: OpenOptions, url?: string): Promise<OpenedPage>;
  /** Starts another app process, stopped at the end of the test. */
  startApp(options?: StartOptions): Promise<AppProcess>;
}

type Body = (fixture: PageFixture) => Promise<void>;

/**
 * Registers a browser test of the app's page (skipped loudly without
 * Chromium, failed in CI). The test fails if any of its tabs logged a
 * console error it did not allow, or an uncaught exception.
 */
export function pageTest(name: string, body: Body): void;
export function pageTest(
  name: string,
  options: PageTestOptions,
  body: Body,
): void;
export function pageTest(
  name: string,
  optionsOrBody: PageTestOptions | Body,
  maybeBody?: Body,
): void {
  const [options, body] = typeof optionsOrBody === "function"
    ? [{}, optionsOrBody]
    : [optionsOrBody, maybeBody!];
  browserTest(name, async (browser, t) => {
    const apps: AppProcess[] = [];
    const opened: OpenedPage[] = [];
    const start = async (startOptions?: StartOptions) => {
      const app = await startApp(startOptions);
      apps.push(app);
      return app;
    };
    const openTab = async (tabOptions: OpenOptions = {}, url?: string) => {
      const tab = await openPage(browser, url ?? `${app.url}/`, tabOptions);
      opened.push(tab);
      return tab;
    };
    let app: AppProcess;
    try {
      app = await start({ env: options.env });
      await options.beforeOpen?.(app);
      for (let i = 0; i < (options.tabs ?? 1); i++) {
        await openTab(options.page);
      }
      const tabs = [...opened];
      await body({
        app,
        page: tabs[0].page,
        tab: tabs[0],
        tabs,
        browser,
        t,
        openTab,
        startApp: start,
      });
    } catch (error) {
      // The page's own errors often explain a failed step.
      const logged = report(opened);
      if (logged.length > 0) console.error(logged.join("\n"));
      throw error;
    } finally {
      for (const { page } of opened) {
        if (!page.isClosed()) await page.close();
      }
      for (const started of apps) await started.stop();
    }
    const logged = report(opened);
    if (logged.length > 0) {
      throw new Error(
        `the page logged ${logged.length} error(s) the test did not allow:\n${
          logged.join("\n")
        }`,
      );
    }
  });
}

/** Every console error and uncaught exception the tabs logged, each with its tab. */
function report(tabs: OpenedPage[]): string[] {
  return tabs.flatMap((tab, i) =>
    tab.problems.map((problem) => `tab ${i + 1}: ${problem}`)
  );
}
