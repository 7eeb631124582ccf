/**
 * Clickjacking, tried in Chromium: a page of another origin (another port
 * of localhost) lays the status page, invisible, over a decoy and waits for
 * a click where the "En cours" button is. By default the browser refuses to
 * frame the page, so the click changes nothing; with FRAME_ANCESTORS naming
 * that origin the same click does change the status (the attack is real,
 * and it is the header that stops it). And the page's own policy lets all
 * of its scripts and styles run.
 */
import assert from "node:assert/strict";
import type { Page } from "../support/browser.ts";
import { type AppProcess, waitFor } from "../support/server.ts";
import { type PageFixture, pageTest } from "./fixture.ts";
import type { OpenedPage } from "./page_driver.ts";

const VIEWPORT = { width: 1280, height: 900 };
// A status the page sends at once (Terminée and Échec wait 5 s for "Annuler").
const TARGET = '[data-choose="En cours"]';

/** A second site, on another port: its page frames `?target=` over a decoy. */
function startAttackerSite(): { origin: string } & AsyncDisposable {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => {
      const target = new URL(request.url).searchParams.get("target") ?? "";
      const src = target.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
      return new Response(
        `<!DOCTYPE html><html><body style="margin:0">
<button style="position:absolute;inset:0;width:100%;height:100%">Gagnez un prix !</button>
<iframe src="${src}" style="position:absolute;top:0;left:0;width:${VIEWPORT.width}px;height:${VIEWPORT.height}px;border:0;opacity:0"></iframe>
</body></html>`,
        { headers: { "content-type": "text/html; charset=utf-8" } },
      );
    },
  );
  return {
    // "localhost" and "127.0.0.1" are different sites to the browser.
    origin: `http://localhost:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** The status the server holds now. */
async function serverState(app: AppProcess): Promise<{ version: number }> {
  return await (await fetch(`${app.url}/get-status`)).json();
}

/** Where the target button's centre is on `page`, which fills the viewport; then closes it. */
async function targetPoint(page: Page): Promise<{ x: number; y: number }> {
  const box = await (await page.waitForSelector(TARGET))?.boundingBox();
  assert.ok(box, "the button is on screen");
  await page.close();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Opens the attacker's page framing the app, in a tab that may log `allow`. */
function openAttack(
  openTab: PageFixture["openTab"],
  attackerOrigin: string,
  app: AppProcess,
  allow: RegExp[] = [],
): Promise<OpenedPage> {
  const target = encodeURIComponent(`${app.url}/`);
  return openTab(
    { ...VIEWPORT, allow },
    `${attackerOrigin}/?target=${target}`,
  );
}

/** The frames of `page` that hold the status page's buttons. */
async function framesWithButtons(page: Page): Promise<number> {
  let found = 0;
  for (const frame of page.frames()) {
    if (await frame.$(TARGET).catch(() => null)) found++;
  }
  return found;
}

pageTest(
  "another origin cannot frame the page: the frame is blocked and a click through it changes nothing",
  { page: VIEWPORT },
  async ({ app, page, openTab, t }) => {
    await using attacker = startAttackerSite();
    const point = await targetPoint(page);
    const attack = await openAttack(openTab, attacker.origin, app, [
      /frame-ancestors 'none'/,
    ]);
    await t.step("the browser refuses to frame it, saying why", async () => {
      await waitFor(
        () =>
          attack.console.some(({ text }) =>
            /frame-ancestors 'none'/.test(text)
          ),
        5_000,
        "Chromium's frame-ancestors refusal on the console",
      );
      assert.equal(await framesWithButtons(attack.page), 0);
    });
    await t.step(
      "a click where the button would be changes nothing",
      async () => {
        await attack.page.mouse.click(point.x, point.y);
        assert.equal((await serverState(app)).version, 0);
        assert.equal(await framesWithButtons(attack.page), 0);
      },
    );
    await attack.page.close();
  },
);

pageTest(
  "with FRAME_ANCESTORS naming that origin, the same click does change the status",
  { page: VIEWPORT },
  async ({ page, openTab, startApp }) => {
    await using attacker = startAttackerSite();
    // The button is where it is on any app's page; the app that may be
    // framed starts once the attacker's origin is known.
    const point = await targetPoint(page);
    const app = await startApp({ env: { FRAME_ANCESTORS: attacker.origin } });
    const attack = await openAttack(openTab, attacker.origin, app);
    // The framed page is live once its buttons can be pressed.
    await waitFor(
      async () => await framesWithButtons(attack.page) === 1,
      5_000,
      "the status page inside the frame",
    );
    const framed = attack.page.frames().find((frame) =>
      frame !== attack.page.mainFrame()
    );
    await framed?.waitForSelector('#connection[data-connection="live"]');
    await attack.page.mouse.click(point.x, point.y);
    await waitFor(
      async () => (await serverState(app)).version === 1,
      5_000,
      "the click to reach the server",
    );
    await attack.page.close();
  },
);

pageTest(
  "the page's own scripts, styles and hydration run under its policy, with no violation",
  {
    page: {
      ...VIEWPORT,
      beforeScripts: () => {
        const seen: string[] = [];
        Object.assign(globalThis, { cspViolations: seen });
        document.addEventListener("securitypolicyviolation", (event) => {
          seen.push(`${event.violatedDirective} ${event.blockedURI}`);
        });
      },
    },
  },
  async ({ page, tab }) => {
    // Hydrated: the island polls and its buttons act.
    await page.waitForSelector('#connection[data-connection="live"]');
    await page.click('[data-choose="En cours"]');
    await page.waitForSelector('#current-status[data-status="En cours"]');
    // Styled: every <style> (twind's, _app's) was applied, and twind's classes work.
    const styles = await page.$$eval(
      "style",
      (tags) => tags.map((tag) => tag.sheet !== null),
    );
    assert.ok(styles.length >= 2, "twind's and _app's styles");
    assert.ok(styles.every(Boolean), "no style element was refused");
    assert.equal(
      await page.$eval("body", (body) => getComputedStyle(body).minHeight),
      `${VIEWPORT.height}px`,
    );
    const violations = await page.evaluate(() =>
      (globalThis as unknown as { cspViolations: string[] }).cspViolations
    );
    assert.deepEqual(violations, []);
    assert.deepEqual(
      tab.console.filter((message) =>
        message.type === "error" || message.type === "warn"
      ).map((message) => message.text),
      [],
    );
  },
);
