import assert from "node:assert/strict";
import type { Page } from "../support/browser.ts";
import { waitFor } from "../support/server.ts";
import { pageTest } from "./fixture.ts";
import {
  gzippedSize,
  historyLines,
  refusePolls,
  screenshot,
  setStatus,
  settle,
  waiters,
  waitForConnection,
  waitForHeldPolls,
  waitForJournalLine,
  waitForStatus,
} from "./page_driver.ts";

/** Failed requests the browser reports on the console although the page handles them. */
const REFUSED =
  /Failed to load resource|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE/;
const UNAUTHORIZED =
  /Failed to load resource: the server responded with a status of 401/;

pageTest(
  "with JavaScript off the page shows the current status and says nothing false",
  {
    beforeOpen: (app) => setStatus(app.url, "Terminée"),
    page: { javaScript: false },
  },
  async ({ app, page }) => {
    assert.equal(
      await page.$eval(
        "#current-status",
        (el) => el.getAttribute("data-status"),
      ),
      "Terminée",
    );
    assert.match(
      await page.$eval("#current-status", (el) => el.textContent ?? ""),
      /Terminée/,
    );
    // A relative time would go stale without a script: only the clock time shows.
    assert.match(
      await page.$eval("#status-since", (el) => (el as HTMLElement).innerText),
      /^depuis \d\d:\d\d$/,
    );
    assert.equal(await page.title(), "● Terminée — Tâche");
    assert.equal(await page.$eval("html", (el) => el.lang), "fr");
    const icon = await page.$eval(
      'link[rel="icon"]',
      (el) => el.getAttribute("href") ?? "",
    );
    assert.match(decodeURIComponent(icon), /fill="#15803d"/);
    // Controls that need a script are hidden, and the page says why.
    for (const hidden of ["#admin-title", "#connection", "#notify"]) {
      assert.equal(
        await page.$eval(hidden, (el) => {
          for (let at: Element | null = el; at; at = at.parentElement) {
            if (getComputedStyle(at).display === "none") return "none";
          }
          return "shown";
        }),
        "none",
        `${hidden} is hidden`,
      );
    }
    const text = await page.$eval("body", (el) => el.innerText);
    assert.match(
      text,
      /JavaScript est désactivé : voici le statut à \d\d:\d\d/,
    );
    // Nothing claims the page is live.
    assert.doesNotMatch(text, /en direct|se met à jour|Connexion…/i);
    // The history is there, and true.
    assert.deepEqual(await historyLines(page), ["Terminée — par l'API"]);
    const fresh = await fetch(`${app.url}/`);
    await fresh.body?.cancel();
    assert.equal(fresh.headers.get("cache-control"), "no-store");
  },
);

pageTest(
  "a click on a status button shows the new status and one history line, and keeps the focus",
  async ({ page }) => {
    await waitForConnection(page, "live");
    assert.equal(
      await page.$eval(
        '[data-choose="En attente"]',
        (el) => el.getAttribute("aria-pressed"),
      ),
      "true",
    );
    await page.focus('[data-choose="En cours"]');
    await page.keyboard.press("Enter");
    await waitForStatus(page, "En cours", { version: 1 });
    await waitFor(
      async () => (await historyLines(page)).length === 1,
      2_000,
      "the history line",
    );
    assert.deepEqual(await historyLines(page), ["En cours — depuis la page"]);
    assert.equal(
      await page.$eval(
        '[data-choose="En cours"]',
        (el) => el.getAttribute("aria-pressed"),
      ),
      "true",
    );
    // The button used keeps the focus (it is never disabled, only aria-disabled).
    assert.equal(
      await page.evaluate(() =>
        document.activeElement?.getAttribute("data-choose")
      ),
      "En cours",
    );
    assert.equal(
      await page.$eval(
        '[data-choose="En cours"]',
        (el) => el.getAttribute("aria-disabled"),
      ),
      "true",
    );
    assert.equal(await page.title(), "● En cours — Tâche");
    const icon = await page.$eval(
      'link[rel="icon"]',
      (el) => el.getAttribute("href") ?? "",
    );
    assert.match(decodeURIComponent(icon), /fill="#1d4ed8"/);
  },
);

pageTest(
  "a status button is busy while its request is in flight",
  async ({ page }) => {
    await waitForConnection(page, "live");
    await page.setRequestInterception(true);
    let held: (() => Promise<void>) | undefined;
    page.on("request", (request) => {
      if (request.isInterceptResolutionHandled()) return;
      if (new URL(request.url()).pathname === "/update-status") {
        held = () => request.continue();
      } else {
        request.continue();
      }
    });
    await page.click('[data-choose="En cours"]');
    await page.waitForSelector('[data-choose="En cours"][aria-busy="true"]');
    // Inert while in flight, yet never disabled: the focus stays where it is.
    assert.equal(
      await page.$eval(
        '[data-choose="En cours"]',
        (el) => el.getAttribute("aria-disabled"),
      ),
      "true",
    );
    await waitFor(() => held !== undefined, 2_000, "the held request");
    await held?.();
    await waitForStatus(page, "En cours", { version: 1 });
    assert.equal(
      await page.$eval(
        '[data-choose="En cours"]',
        (el) => el.getAttribute("aria-busy"),
      ),
      "false",
    );
  },
);

pageTest(
  "offline shows as such, and coming back online retries at once",
  { page: { allow: [/ERR_INTERNET_DISCONNECTED|Failed to load resource/] } },
  async ({ app, page }) => {
    await waitForConnection(page, "live");
    // Polls are turned away with a long Retry-After: the next try is far off.
    const refusal = await refusePolls(page);
    await setStatus(app.url, "En cours"); // answers the poll already held
    await waitForConnection(page, "reconnecting");
    assert.match(
      await page.$eval("#connection-detail", (el) => el.textContent ?? ""),
      /nouvel essai dans 1\d\d s \(tentative 1\) — serveur saturé \(503\)/,
    );

    await page.setOfflineMode(true);
    await waitForConnection(page, "offline");
    assert.equal(
      await page.$eval("#connection-label", (el) => el.textContent),
      "Hors ligne",
    );
    await waitForJournalLine(page, /Navigateur hors ligne/);

    refusal.stop();
    await page.setOfflineMode(false);
    await waitForConnection(page, "live", 3_000);
    await waitForJournalLine(page, /Navigateur de nouveau en ligne/);
    await waitForJournalLine(page, /Connexion rétablie/);
    await setStatus(app.url, "Échec");
    await waitForStatus(page, "Échec", { version: 2 });
  },
);

pageTest(
  "a hidden tab in backoff retries at once when it becomes visible",
  { page: { allow: [/Failed to load resource/] } },
  async ({ app, page, openTab }) => {
    await waitForConnection(page, "live");
    const refusal = await refusePolls(page);
    await setStatus(app.url, "En cours");
    await waitForConnection(page, "reconnecting");

    // Another tab comes to the front: this one is hidden now.
    const other = await openTab();
    await page.waitForFunction(() => document.visibilityState === "hidden");
    refusal.stop();
    await page.bringToFront();
    await waitForConnection(page, "live", 3_000);
    await waitForConnection(other.page, "live", 3_000);
  },
);

pageTest(
  "an update made by another HTTP client appears within a second",
  async ({ app, page }) => {
    await waitForConnection(page, "live");
    // The poll is held by now (the waiter is registered), so this measures delivery.
    await waitForHeldPolls(app.url, 1, "the held poll");
    const started = performance.now();
    await setStatus(app.url, "Échec");
    await waitForStatus(page, "Échec", { version: 1, timeout: 1_000 });
    const took = performance.now() - started;
    assert.ok(took < 1_000, `took ${took.toFixed(0)} ms`);
    assert.deepEqual(await historyLines(page), ["Échec — par l'API"]);
  },
);

pageTest(
  "two quick updates both appear in the history, newest first, each with who made it",
  async ({ app, page }) => {
    await waitForConnection(page, "live");
    await setStatus(app.url, "En cours", undefined, {
      source: "cli",
      actor: "alice",
    });
    await setStatus(app.url, "Terminée");
    await waitForStatus(page, "Terminée", { version: 2 });
    await waitFor(
      async () => (await historyLines(page)).length === 2,
      2_000,
      "two history lines",
    );
    assert.deepEqual(await historyLines(page), [
      "Terminée — par l'API",
      "En cours — par alice, en ligne de commande",
    ]);
  },
);

pageTest(
  "the page rides out a server restart and resyncs to the new truth",
  { page: { allow: [REFUSED] } },
  async ({ app, page, startApp }) => {
    await waitForConnection(page, "live");
    await setStatus(app.url, "Échec");
    await waitForStatus(page, "Échec", { version: 1 });

    await app.stop();
    await waitForConnection(page, "reconnecting", 5_000);
    assert.match(
      await page.$eval("#connection-detail", (el) => el.textContent ?? ""),
      /nouvel essai .*\(tentative \d+\) — serveur injoignable/,
    );
    await waitForJournalLine(page, /Connexion perdue : serveur injoignable/);
    await screenshot(page, "reconnecting", false);

    // Same port, fresh memory store: a new epoch, version 0. A visible tab
    // is back within a couple of seconds of the server.
    const second = await startApp({ env: { PORT: String(app.port) } });
    const back = performance.now();
    await waitForStatus(page, "En attente", { version: 0, timeout: 3_000 });
    await waitForConnection(page, "live", 3_000);
    const took = performance.now() - back;
    assert.ok(took < 3_000, `back after ${took.toFixed(0)} ms`);
    await waitForJournalLine(page, /Connexion rétablie/);
    await waitForJournalLine(
      page,
      /Le serveur a repris à zéro : statut « En attente »/,
    );
    assert.deepEqual(await historyLines(page), []);

    // And it is live again, on the new sequence.
    await setStatus(second.url, "En cours");
    await waitForStatus(page, "En cours", { version: 1 });
  },
);

pageTest(
  "with ADMIN_TOKEN set, the dialog names the change, checks the token before keeping it, and can forget it",
  { env: { ADMIN_TOKEN: "s3cret-token" }, page: { allow: [UNAUTHORIZED] } },
  async ({ page }) => {
    await waitForConnection(page, "live");
    await page.click('[data-choose="Terminée"]');
    // A final status waits out its few seconds, then asks for the token.
    await page.waitForSelector("#pending");
    await page.waitForSelector("#token-dialog[open]", { timeout: 8_000 });
    assert.match(
      await page.$eval("#token-help", (el) => el.textContent ?? ""),
      /Pour passer la tâche à « Terminée »/,
    );
    // The field has the focus: a keyboard user types straight away.
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      "admin-token",
    );
    await screenshot(page, "token-dialog", false);

    await page.type("#admin-token", "wrong");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#token-error");
    assert.match(
      await page.$eval("#token-error", (el) => el.textContent ?? ""),
      /Jeton refusé/,
    );
    assert.ok(await page.$("#token-dialog[open]"), "the dialog stays open");
    // A wrong token is never kept.
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);

    await page.$eval(
      "#admin-token",
      (el) => (el as HTMLInputElement).value = "",
    );
    await page.type("#admin-token", "s3cret-token");
    await page.click("#token-submit");
    await waitForStatus(page, "Terminée", { version: 1 });
    await page.waitForFunction(() =>
      !document.querySelector("#token-dialog[open]")
    );
    // The focus is back on the button that asked for the change.
    assert.equal(
      await page.evaluate(() =>
        document.activeElement?.getAttribute("data-choose")
      ),
      "Terminée",
    );

    // Kept for this tab only, until it closes: the next action does not ask again.
    assert.equal(
      await page.evaluate(() =>
        Object.values(sessionStorage).includes("s3cret-token")
      ),
      true,
    );
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    await page.click('[data-choose="En cours"]');
    await waitForStatus(page, "En cours", { version: 2 });

    // And it can be forgotten.
    await page.click("#forget-token");
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await page.click('[data-choose="En attente"]');
    await page.waitForSelector("#token-dialog[open]");
  },
);

pageTest(
  "cancelling the token dialog changes nothing, says so, and gives the focus back",
  { env: { ADMIN_TOKEN: "s3cret-token" }, page: { allow: [UNAUTHORIZED] } },
  async ({ app, page }) => {
    await waitForConnection(page, "live");
    await page.focus('[data-choose="En cours"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector("#token-dialog[open]");
    await page.keyboard.press("Escape");
    await page.waitForSelector("#admin-feedback");
    assert.equal(
      await page.$eval("#admin-feedback", (el) => el.textContent ?? ""),
      "Annulé : « En cours » n'a pas été envoyé (jeton d'administration requis).",
    );
    assert.equal(
      await page.evaluate(() =>
        document.activeElement?.getAttribute("data-choose")
      ),
      "En cours",
    );
    await waitForStatus(page, "En attente", { version: 0 });
    const state = await (await fetch(`${app.url}/get-status`)).json();
    assert.equal(state.version, 0);
  },
);

pageTest(
  "a narrow phone screen has no horizontal scroll",
  { page: { width: 320, height: 812 } },
  async ({ page, openTab }) => {
    const noHorizontalScroll = async (phone: Page) => {
      await waitForConnection(phone, "live");
      const overflow = await phone.evaluate(() =>
        document.documentElement.scrollWidth -
        document.documentElement.clientWidth
      );
      assert.equal(
        overflow,
        0,
        `${phone.viewport()?.width} px wide: ${overflow} px of horizontal scroll`,
      );
    };
    await noHorizontalScroll(page);
    await page.close();
    await noHorizontalScroll((await openTab({ width: 375, height: 812 })).page);
  },
);

pageTest(
  "three tabs of the page hold one poll between them",
  { tabs: 3 },
  async ({ app, tabs }) => {
    for (const { page } of tabs) await waitForConnection(page, "live");
    await waitForHeldPolls(app.url, 1, "one held poll");
    // The first tab polls for all; the others are told over the channel.
    assert.ok(tabs[0].polls() > 0);
    assert.deepEqual(tabs.slice(1).map((tab) => tab.polls()), [0, 0]);

    await setStatus(app.url, "En cours");
    for (const { page } of tabs) {
      await waitForStatus(page, "En cours", { version: 1 });
      await waitFor(
        async () => (await historyLines(page))[0] === "En cours — par l'API",
        2_000,
        "the history line in every tab",
      );
    }
    // Watched for a while, it stays one: no tab polls on the side.
    const deadline = Date.now() + 1_500;
    while (Date.now() < deadline) {
      const held = await waiters(app.url);
      assert.ok(held <= 1, `${held} polls held for three tabs`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // The first tab led; when it closes another takes over within seconds.
    await tabs[0].page.close();
    await setStatus(app.url, "Terminée");
    for (const { page } of tabs.slice(1)) {
      await waitForStatus(page, "Terminée", { version: 2, timeout: 3_000 });
    }
    await waitForHeldPolls(app.url, 1, "the new leader's poll", 3_000);
    assert.equal(
      tabs.slice(1).filter((tab) => tab.polls() > 0).length,
      1,
      "exactly one of the remaining tabs took over",
    );
  },
);

pageTest(
  "without Web Locks (plain HTTP to another host) the tabs still share one poll",
  {
    tabs: 3,
    page: {
      beforeScripts: () => {
        // As in a page that is not a secure context.
        Object.defineProperty(Navigator.prototype, "locks", {
          get: () => undefined,
        });
      },
    },
  },
  async ({ app, tabs }) => {
    assert.equal(
      await tabs[0].page.evaluate(() => navigator.locks),
      undefined,
    );
    for (const { page } of tabs) await waitForConnection(page, "live");
    await waitForHeldPolls(app.url, 1, "one held poll");
    assert.equal(tabs.filter((tab) => tab.polls() > 0).length, 1);

    await setStatus(app.url, "Échec");
    for (const { page } of tabs) {
      await waitForStatus(page, "Échec", { version: 1 });
    }
    const leader = tabs.findIndex((tab) => tab.polls() > 0);
    await tabs[leader].page.close();
    const rest = tabs.filter((_, i) => i !== leader);
    await setStatus(app.url, "En cours");
    for (const { page } of rest) {
      await waitForStatus(page, "En cours", { version: 2, timeout: 5_000 });
    }
    await waitForHeldPolls(app.url, 1, "the new leader's poll");
  },
);

pageTest(
  "keyboard focus is visible on every control",
  async ({ app, page }) => {
    await waitForConnection(page, "live");
    await setStatus(app.url, "En cours");
    await waitForStatus(page, "En cours", { version: 1 });
    const look = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        return {
          name: el.getAttribute("data-choose") ?? el.id,
          focused:
            `${style.boxShadow} ${style.outlineStyle} ${style.outlineWidth}`,
        };
      });
    const focused = new Map<string, string>();
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      const seen = await look();
      if (seen === null) break;
      focused.set(seen.name, seen.focused);
      if (seen.name === "Terminée") {
        await settle(page);
        await screenshot(page, "keyboard-focus", false);
      }
    }
    // Every control in order, the current status's button included: it is
    // inert (aria-disabled) but keeps its place, so the focus never drops.
    assert.deepEqual([...focused.keys()], [
      "all-tasks",
      "notify",
      "En attente",
      "En cours",
      "Terminée",
      "Échec",
      "link",
      "copy-link",
    ]);
    // Each control looks different with the focus than without it.
    await page.evaluate(() => (document.activeElement as HTMLElement)?.blur());
    await settle(page);
    for (const [name, withFocus] of focused) {
      const without = await page.evaluate((name: string) => {
        const el = document.querySelector(`[data-choose="${name}"]`) ??
          document.getElementById(name)!;
        const style = getComputedStyle(el);
        return `${style.boxShadow} ${style.outlineStyle} ${style.outlineWidth}`;
      }, name);
      assert.notEqual(withFocus, without, `no visible focus on ${name}`);
    }
  },
);

pageTest(
  "nothing moves for a reader who asked for reduced motion",
  async ({ page }) => {
    const animation = () =>
      page.$eval(
        "#current-status",
        (el) => getComputedStyle(el).animationName,
      );
    assert.equal(await animation(), "status-pop");
    await page.emulateMediaFeatures([{
      name: "prefers-reduced-motion",
      value: "reduce",
    }]);
    assert.equal(await animation(), "none");
  },
);

pageTest(
  "the page's JavaScript stays within 25 KB gzipped",
  async ({ page }) => {
    await waitForConnection(page, "live");
    const scripts = await page.evaluate(() =>
      performance.getEntriesByType("resource")
        .filter((e) => /\.m?js(\?|$)/.test(new URL(e.name).pathname))
        .map((e) => e.name)
    );
    assert.ok(scripts.length > 0, "the page loads its island");
    let raw = 0;
    let gzipped = 0;
    for (const url of scripts) {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      raw += bytes.byteLength;
      gzipped += await gzippedSize(bytes);
    }
    console.log(
      `JavaScript of /: ${scripts.length} files, ${
        (raw / 1024).toFixed(1)
      } KB raw, ${(gzipped / 1024).toFixed(1)} KB gzipped`,
    );
    assert.ok(gzipped <= 25 * 1024, `${gzipped} bytes gzipped`);
  },
);

pageTest(
  "screenshots: desktop, wall screen, phone, dark and disconnected",
  {
    env: {
      TASK_NAME: "Déploiement de production",
      TASK_DESCRIPTION:
        "Mise en ligne de la version 4.2 sur les serveurs de Paris et d'Amsterdam.",
      TASK_URL: "https://ci.example.com/pipelines/1842",
    },
    beforeOpen: async (app) => {
      await setStatus(app.url, "En cours", undefined, {
        source: "cli",
        actor: "alice",
      });
      await setStatus(app.url, "Échec", undefined, { actor: "ci-bot" });
      await setStatus(app.url, "En attente", undefined, { source: "page" });
      await setStatus(app.url, "En cours", undefined, {
        source: "cli",
        actor: "alice",
      });
    },
    page: { width: 1280, height: 1000, allow: [REFUSED] },
  },
  async ({ app, page, openTab }) => {
    await waitForConnection(page, "live");
    await settle(page);
    await screenshot(page, "page-desktop");

    const wall = await openTab(
      { width: 1920, height: 1080 },
      `${app.url}/?view=tv`,
    );
    await waitForConnection(wall.page, "live");
    await settle(wall.page);
    await screenshot(wall.page, "page-wall", false);
    await wall.page.close();

    // Only the width changes (a change of `isMobile` would reload the page).
    await page.setViewport({ width: 375, height: 812 });
    await settle(page);
    await screenshot(page, "page-phone");

    await page.setViewport({ width: 1280, height: 1000 });
    await page.emulateMediaFeatures([{
      name: "prefers-color-scheme",
      value: "dark",
    }]);
    await setStatus(app.url, "Terminée", undefined, { source: "page" });
    await waitForStatus(page, "Terminée", { version: 5 });
    await settle(page);
    await screenshot(page, "page-dark");

    await page.emulateMediaFeatures([{
      name: "prefers-color-scheme",
      value: "light",
    }]);
    await app.stop();
    await page.waitForSelector("#stale-note", { timeout: 5_000 });
    await settle(page);
    await screenshot(page, "page-disconnected", false);
  },
);
