/**
 * The task page as people use it: it says what the task is, the status is
 * the page (on a desk, a wall screen, a phone), it tells time, it opens
 * with the stored history, it makes admin actions safe, it is honest when
 * cut off, it can notify, and it can be shared.
 */
import assert from "node:assert/strict";
import type { Page } from "../support/browser.ts";
import { waitFor } from "../support/server.ts";
import { pageTest } from "./fixture.ts";
import {
  backgroundOf,
  historyLines,
  hostRewritingProxy,
  setStatus,
  waitForConnection,
  waitForStatus,
} from "./page_driver.ts";

const REFUSED =
  /Failed to load resource|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE/;
const CONFLICT =
  /Failed to load resource: the server responded with a status of 409/;

/** The font size of the status, in CSS pixels. */
function statusSize(page: Page): Promise<number> {
  return page.$eval(
    "#current-status",
    (el) => parseFloat(getComputedStyle(el).fontSize),
  );
}

/** What the server holds now. */
async function serverVersion(base: string): Promise<number> {
  return (await (await fetch(`${base}/get-status`)).json()).version;
}

pageTest(
  "the task's name, description and link are the page's heading, its tab title and its og: tags",
  {
    env: {
      TASK_NAME: "Déploiement de production",
      TASK_DESCRIPTION: "Mise en ligne de la version 4.2.",
      TASK_URL: "https://ci.example.com/jobs/42",
    },
  },
  async ({ app, page }) => {
    await waitForConnection(page, "live");
    assert.equal(
      await page.$eval("h1", (el) => el.textContent),
      "Déploiement de production",
    );
    assert.equal(
      await page.$eval("#task-description", (el) => el.textContent),
      "Mise en ligne de la version 4.2.",
    );
    assert.equal(
      await page.$eval("#task-link", (el) => el.getAttribute("href")),
      "https://ci.example.com/jobs/42",
    );
    assert.equal(
      await page.title(),
      "● En attente — Déploiement de production",
    );
    const og = await page.$$eval(
      'meta[property^="og:"]',
      (tags) =>
        Object.fromEntries(
          tags.map((
            tag,
          ) => [tag.getAttribute("property"), tag.getAttribute("content")]),
        ),
    );
    assert.deepEqual(og, {
      "og:type": "website",
      "og:title": "Déploiement de production : En attente",
      "og:description": "En attente — Mise en ligne de la version 4.2.",
      "og:url": `${app.url}/`,
    });
    await setStatus(app.url, "En cours");
    await waitForStatus(page, "En cours", { version: 1 });
    assert.equal(await page.title(), "● En cours — Déploiement de production");
  },
);

pageTest(
  "a named task has its own page, its own identity and its own updates",
  {
    beforeOpen: async (app) => {
      const response = await fetch(`${app.url}/tasks/nightly-build`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Build nocturne" }),
      });
      assert.equal(response.status, 200, await response.text());
    },
  },
  async ({ app, openTab }) => {
    const { page } = await openTab({}, `${app.url}/tasks/nightly-build`);
    await waitForConnection(page, "live");
    assert.equal(
      await page.$eval("h1", (el) => el.textContent),
      "Build nocturne",
    );
    await page.click('[data-choose="En cours"]');
    await waitForStatus(page, "En cours", { version: 1 });
    assert.equal(await serverVersion(`${app.url}/tasks/nightly-build`), 1);
    assert.equal(
      await serverVersion(app.url),
      0,
      "the default task is untouched",
    );
    // Its own poll, and its own updates from elsewhere.
    await setStatus(`${app.url}/tasks/nightly-build/`, "Échec");
    await waitForStatus(page, "Échec", { version: 2 });
  },
);

pageTest(
  "the status is the page: large on a desk and on a phone, and the page's colour follows it",
  { page: { width: 1280, height: 900 } },
  async ({ app, page }) => {
    await waitForConnection(page, "live");
    const size = await statusSize(page);
    assert.ok(size >= 72, `status at ${size} px`);
    // The heading is smaller than the status it introduces.
    const heading = await page.$eval(
      "h1",
      (el) => parseFloat(getComputedStyle(el).fontSize),
    );
    assert.ok(heading < size / 2, `heading ${heading} px, status ${size} px`);
    assert.equal(await backgroundOf(page, "#page"), "#fffbeb");
    assert.equal(await backgroundOf(page, "#hero"), "#b45309");

    await setStatus(app.url, "Échec");
    await waitForStatus(page, "Échec", { version: 1 });
    // Both colours ease in; wait for each to settle rather than sample mid-way.
    await waitFor(
      async () =>
        await backgroundOf(page, "#page") === "#fef2f2" &&
        await backgroundOf(page, "#hero") === "#b91c1c",
      2_000,
      "the page and its status to turn the colour of Échec",
    );

    await page.setViewport({ width: 375, height: 812 });
    const phone = await statusSize(page);
    assert.ok(phone >= 40, `status at ${phone} px on a phone`);
    const bottom = await page.$eval(
      "#current-status",
      (el) => el.getBoundingClientRect().bottom,
    );
    assert.ok(bottom < 812, "the status is seen without scrolling");
  },
);

pageTest(
  "viewer mode fills a wall screen with the status and shows no admin panel",
  { page: { width: 1920, height: 1080 } },
  async ({ app, openTab }) => {
    const { page } = await openTab(
      { width: 1920, height: 1080 },
      `${app.url}/?view=tv`,
    );
    await waitForConnection(page, "live");
    const size = await statusSize(page);
    assert.ok(size >= 250, `status at ${size} px on a 1920×1080 screen`);
    const width = await page.$eval(
      "#current-status",
      (el) => el.getBoundingClientRect().width,
    );
    assert.ok(width > 1920 / 2, `status ${width} px wide`);
    assert.equal(await backgroundOf(page, "#page"), "#b45309");
    for (const absent of ["#admin-title", "#history", "#share-title"]) {
      assert.equal(await page.$(absent), null, `${absent} is not shown`);
    }
    // It fits the screen: nothing to scroll.
    assert.deepEqual(
      await page.evaluate(() => [
        document.documentElement.scrollWidth,
        document.documentElement.scrollHeight,
      ]),
      [1920, 1080],
    );
    await setStatus(app.url, "Terminée");
    await waitForStatus(page, "Terminée", { version: 1 });
    await waitFor(
      async () => await backgroundOf(page, "#page") === "#15803d",
      2_000,
      "the screen to turn green",
    );
  },
);

pageTest(
  "time: how long and since when, the date once more than a day old, the total once final, a bar of the run",
  {
    beforeOpen: async (app) => {
      await setStatus(app.url, "En cours");
      await setStatus(app.url, "Terminée");
    },
    page: {
      // The reader's clock is two days and an hour ahead of the changes.
      beforeScripts: () => {
        const shift = 49 * 3_600_000;
        const Real = Date;
        class Later extends Real {
          constructor(...args: unknown[]) {
            // Only "now" moves: a date made from a value stays that date.
            super(
              ...(args.length === 0 ? [Real.now() + shift] : args) as [
                number,
              ],
            );
          }
          static override now() {
            return Real.now() + shift;
          }
        }
        globalThis.Date = Later as DateConstructor;
      },
    },
  },
  async ({ page }) => {
    await waitForConnection(page, "live");
    await page.waitForFunction(() =>
      /^depuis 2 j 1 h, depuis le \d{1,2} \S+ à \d\d:\d\d$/.test(
        (document.querySelector("#status-since") as HTMLElement).innerText,
      )
    );
    // History times carry their date too.
    assert.match(
      await page.$eval("#history time", (el) => (el as HTMLElement).innerText),
      /^\d{1,2} \S+\n\d\d:\d\d$/,
    );
    // Final: the total, and a bar with one stretch per status before the end.
    assert.match(
      await page.$eval("#run-total", (el) => el.textContent ?? ""),
      /^Durée totale : \d+ s$/,
    );
    assert.deepEqual(
      await page.$$eval(
        "#run > div[aria-hidden] > span",
        (els) => els.map((el) => el.getAttribute("data-tone")),
      ),
      ["En cours"],
    );
  },
);

pageTest(
  "a running status says how long and since when, to the second",
  { beforeOpen: (app) => setStatus(app.url, "En cours") },
  async ({ page }) => {
    await waitForConnection(page, "live");
    assert.match(
      await page.$eval("#status-since", (el) => (el as HTMLElement).innerText),
      /^depuis \d+ s, depuis \d\d:\d\d$/,
    );
    assert.equal(await page.$("#run-total"), null, "no total before the end");
  },
);

pageTest(
  "the page opens with the stored history: newest first, who and where from, older lines one click away",
  {
    beforeOpen: async (app) => {
      await setStatus(app.url, "En cours", undefined, {
        source: "cli",
        actor: "alice",
      });
      await setStatus(app.url, "Échec", undefined, {
        source: "api",
        actor: "ci-bot",
      });
      await setStatus(app.url, "En attente", undefined, { source: "page" });
      for (let i = 0; i < 9; i++) {
        await setStatus(app.url, i % 2 === 0 ? "En cours" : "En attente");
      }
    },
  },
  async ({ page }) => {
    await waitForConnection(page, "live");
    const lines = await historyLines(page);
    assert.equal(lines.length, 12, "one line per change, all twelve");
    assert.deepEqual(lines.slice(-3), [
      "En attente — depuis la page",
      "Échec — par ci-bot, par l'API",
      "En cours — par alice, en ligne de commande",
    ]);
    // Eight are in view; the older ones are behind one click.
    const visible = () =>
      page.$$eval(
        "#history li, #history-older li",
        (items) => items.filter((li) => li.checkVisibility()).length,
      );
    assert.equal(await visible(), 8);
    assert.match(
      await page.$eval("#history-older summary", (el) => el.textContent ?? ""),
      /4 lignes plus anciennes/,
    );
    await page.click("#history-older summary");
    assert.equal(await visible(), 12);
    // Connection events are not changes: no journal while nothing happened.
    assert.equal(await page.$("#journal"), null);
  },
);

pageTest(
  "a final status waits a few seconds with « Annuler »; annulled, nothing is sent",
  async ({ app, page }) => {
    await waitForConnection(page, "live");
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(request.url());
    });
    await page.click('[data-choose="Échec"]');
    await page.waitForSelector("#pending");
    assert.match(
      await page.$eval("#pending", (el) => el.textContent ?? ""),
      /« Échec » part dans 5 s\./,
    );
    await page.click("#undo");
    assert.equal(await page.$("#pending"), null);
    assert.equal(
      await page.$eval("#admin-feedback", (el) => el.textContent),
      "Annulé : « Échec » n'a pas été envoyé.",
    );
    // The focus goes back to the button that was used.
    assert.equal(
      await page.evaluate(() =>
        document.activeElement?.getAttribute("data-choose")
      ),
      "Échec",
    );
    // Escape takes it back too.
    await page.keyboard.press("Enter");
    await page.waitForSelector("#pending");
    await page.keyboard.press("Escape");
    assert.equal(await page.$("#pending"), null);
    // Past the delay, still nothing was sent.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    assert.deepEqual(posts, []);
    assert.equal(await serverVersion(app.url), 0);
    // Left alone, it goes.
    await page.click('[data-choose="Terminée"]');
    await waitForStatus(page, "Terminée", { version: 1, timeout: 8_000 });
    assert.equal(posts.length, 1);
  },
);

pageTest(
  "where this viewer may not update, the panel says so instead of offering buttons",
  { page: { allow: [REFUSED] } },
  async ({ app, openTab }) => {
    // The server sees this browser name another machine, as one elsewhere would.
    await using proxy = hostRewritingProxy(app.port, "status.example.org");
    const { page } = await openTab({ allow: [REFUSED] }, `${proxy.url}/`);
    await waitForConnection(page, "live");
    assert.match(
      await page.$eval("#admin-denied", (el) => el.textContent ?? ""),
      /n'accepte les changements que depuis sa propre machine/,
    );
    assert.equal(await page.$("[data-choose]"), null);
    // It still follows the status.
    await setStatus(app.url, "En cours");
    await waitForStatus(page, "En cours", { version: 1 });
  },
);

pageTest(
  "a change made meanwhile by someone else: the 409 is explained in French and the page shows the newer state",
  { page: { allow: [CONFLICT] } },
  async ({ app, page }) => {
    // This tab hears nothing from its poll, as when two admins click at once.
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      if (request.isInterceptResolutionHandled()) return;
      if (new URL(request.url()).pathname.endsWith("/poll-status")) return;
      request.continue();
    });
    await page.reload();
    await setStatus(app.url, "Terminée");
    await waitForStatus(page, "En attente", { version: 0 });
    await page.click('[data-choose="En cours"]');
    await page.waitForSelector("#admin-feedback");
    assert.equal(
      await page.$eval("#admin-feedback", (el) => el.textContent),
      "Le statut a changé entre-temps : « En cours » n'a pas été envoyé. La page montre le statut actuel.",
    );
    await waitForStatus(page, "Terminée", { version: 1 });
    assert.equal(await serverVersion(app.url), 1);
  },
);

pageTest(
  "cut off, the last known status is marked as such, still, with « Réessayer maintenant »; the banners go when the server is back",
  { page: { allow: [REFUSED] } },
  async ({ app, page, tab, startApp }) => {
    await waitForConnection(page, "live");
    await setStatus(app.url, "En cours");
    await waitForStatus(page, "En cours", { version: 1 });
    const spins = () =>
      page.$eval(
        "#current-status svg",
        (el) => el.getAnimations().some((a) => a.playState === "running"),
      );
    assert.equal(await spins(), true, "En cours turns while live");

    await app.stop();
    await page.waitForSelector("#hero[data-stale] #stale-note", {
      timeout: 5_000,
    });
    assert.match(
      await page.$eval("#stale-note", (el) => el.textContent ?? ""),
      /^Dernière valeur connue, (à l'instant|il y a \d+ s)Réessayer maintenant$/,
    );
    assert.equal(await spins(), false, "nothing turns while cut off");
    assert.notEqual(
      await page.$eval("#hero", (el) => getComputedStyle(el).filter),
      "none",
      "the status is dimmed",
    );
    // An update tried now fails, and says so.
    await page.click('[data-choose="En attente"]');
    await page.waitForSelector("#admin-feedback");
    assert.match(
      await page.$eval("#admin-feedback", (el) => el.textContent ?? ""),
      /^Serveur injoignable : « En attente » n'a pas été envoyé/,
    );
    // « Réessayer maintenant » tries at once.
    const before = tab.polls();
    await page.click("#retry-now");
    await waitFor(
      () => tab.polls() > before,
      1_500,
      "a poll right after the click",
    );

    await startApp({ env: { PORT: String(app.port) } });
    await waitForConnection(page, "live", 3_000);
    await page.waitForFunction(() =>
      !document.querySelector("#stale-note") &&
      !document.querySelector("#admin-feedback")
    );
    assert.equal(await page.$("#hero[data-stale]"), null);
  },
);

pageTest(
  "« Me prévenir »: a notification when the task ends while the tab is hidden",
  {
    page: {
      beforeScripts: () => {
        const shown: { title: string; body?: string }[] = [];
        class Shown {
          static permission = "granted";
          static requestPermission() {
            return Promise.resolve("granted");
          }
          constructor(title: string, options?: { body?: string }) {
            shown.push({ title, body: options?.body });
          }
        }
        Object.assign(globalThis, { Notification: Shown, shown });
      },
    },
  },
  async ({ app, page, openTab }) => {
    await waitForConnection(page, "live");
    await page.click("#notify");
    assert.equal(
      await page.$eval("#notify", (el) => el.getAttribute("aria-pressed")),
      "true",
    );
    assert.match(
      await page.$eval("#notify-help", (el) => el.textContent ?? ""),
      /^Par une notification/,
    );
    await setStatus(app.url, "En cours");
    await openTab(); // the first tab is hidden behind it now
    await page.waitForFunction(() => document.visibilityState === "hidden");
    await setStatus(app.url, "Terminée");
    // A hidden tab runs no animation frames: poll on a timer.
    await page.waitForFunction(
      () => (globalThis as unknown as { shown: unknown[] }).shown.length === 1,
      { polling: 100 },
    );
    assert.deepEqual(
      await page.evaluate(() =>
        (globalThis as unknown as { shown: unknown[] }).shown
      ),
      [{
        title: "Tâche : Terminée",
        body: "La tâche s'est terminée avec succès.",
      }],
    );
  },
);

pageTest(
  "« Me prévenir » without notifications: the hidden tab's title calls, until it is seen",
  {
    page: {
      beforeScripts: () => {
        Object.defineProperty(globalThis, "Notification", { value: undefined });
      },
    },
  },
  async ({ app, page, openTab }) => {
    await waitForConnection(page, "live");
    await page.click("#notify");
    assert.match(
      await page.$eval("#notify-help", (el) => el.textContent ?? ""),
      /^Par un son et le titre de l'onglet/,
    );
    await openTab();
    await page.waitForFunction(() => document.visibilityState === "hidden");
    await setStatus(app.url, "Échec");
    await page.waitForFunction(() => document.title === "(!) Échec — Tâche", {
      polling: 100,
    });
    await page.bringToFront();
    await page.waitForFunction(() => document.title === "● Échec — Tâche");
  },
);

pageTest(
  "sharing: the link and the badge are ready to copy, and the badge follows the status",
  {
    page: {
      beforeScripts: () => {
        const copied: string[] = [];
        Object.defineProperty(navigator, "clipboard", {
          value: {
            writeText: (text: string) => (copied.push(text), Promise.resolve()),
          },
        });
        Object.assign(globalThis, { copied });
      },
    },
  },
  async ({ app, page }) => {
    await waitForConnection(page, "live");
    await page.click("#copy-link");
    await page.waitForFunction(() =>
      document.querySelector("#copy-link")?.textContent === "Copié"
    );
    await page.click("#copy-badge");
    assert.deepEqual(
      await page.evaluate(() =>
        (globalThis as unknown as { copied: string[] }).copied
      ),
      [`${app.url}/`, `[![statut](${app.url}/badge.svg)](${app.url}/)`],
    );
    await page.waitForFunction(() =>
      (document.querySelector("#badge-preview") as HTMLImageElement)
        .naturalWidth > 0
    );
    await setStatus(app.url, "En cours");
    await page.waitForFunction(() =>
      (document.querySelector("#badge-preview") as HTMLImageElement).src
        .endsWith("?v=1")
    );
  },
);
