/** The board (`/tasks`): every task as a live card, one poll for all of them, one poller per browser. */
import assert from "node:assert/strict";
import { pageTest } from "./fixture.ts";
import {
  screenshot,
  setStatus,
  settle,
  waitForConnection,
  waitForHeldPolls,
} from "./page_driver.ts";
import type { AppProcess } from "../support/server.ts";
import type { Page } from "../support/browser.ts";

/** Stores a few named tasks, each with an identity and a status. */
async function someTasks(app: AppProcess): Promise<void> {
  const tasks: [string, string, string[]][] = [
    ["deploy-prod", "Déploiement de production", ["En cours"]],
    ["nightly", "Sauvegarde nocturne", ["En cours", "Terminée"]],
    ["tests-e2e", "Tests de bout en bout", ["En cours", "Échec"]],
  ];
  for (const [id, name, statuses] of tasks) {
    const response = await fetch(`${app.url}/tasks/${id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    assert.equal(response.status, 200, await response.text());
    for (const status of statuses) {
      await setStatus(`${app.url}/tasks/${id}/`, status as "En cours");
    }
  }
}

/** The cards of the board: id, name and status. */
function cards(page: Page): Promise<string[][]> {
  return page.$$eval("#board a", (links) =>
    links.map((a) => [
      a.id.replace(/^card-/, ""),
      a.querySelector("span span")?.textContent ?? "",
      a.getAttribute("data-status") ?? "",
    ]));
}

pageTest(
  "the board shows every stored task as a card, kept live through one /poll-tasks poll",
  { beforeOpen: someTasks },
  async ({ app, openTab }) => {
    const paths: string[] = [];
    const board = await openTab({}, `${app.url}/tasks`);
    board.page.on("request", (r) => paths.push(new URL(r.url()).pathname));
    await waitForConnection(board.page, "live");
    const shown = await cards(board.page);
    assert.deepEqual(
      shown.filter(([id]) => id !== "default"),
      [
        ["deploy-prod", "Déploiement de production", "En cours"],
        ["nightly", "Sauvegarde nocturne", "Terminée"],
        ["tests-e2e", "Tests de bout en bout", "Échec"],
      ],
    );
    assert.equal(
      await board.page.$eval("#card-nightly", (a) => a.getAttribute("href")),
      "/tasks/nightly",
    );
    // The board's tab and the default page's tab: one held poll each.
    await waitForHeldPolls(app.url, 2, "the board's poll and the page's");

    await setStatus(`${app.url}/tasks/deploy-prod/`, "Terminée");
    await board.page.waitForSelector(
      '#card-deploy-prod[data-status="Terminée"]',
      { timeout: 1_000 },
    );
    assert.ok(paths.includes("/poll-tasks"));
    assert.ok(
      !paths.some((path) => path.endsWith("/poll-status")),
      "no poll per task",
    );
    assert.match(
      await board.page.$eval("#board-summary", (el) => el.textContent ?? ""),
      /2 terminée.*1 échec/,
    );
  },
);

pageTest(
  "three board tabs hold one poll between them",
  { beforeOpen: someTasks },
  async ({ app, page, openTab }) => {
    await page.close();
    const tabs = [];
    for (let i = 0; i < 3; i++) {
      tabs.push(await openTab({}, `${app.url}/tasks`));
    }
    for (const { page } of tabs) await waitForConnection(page, "live");
    await waitForHeldPolls(app.url, 1, "one held poll for three tabs");
    assert.equal(tabs.filter((tab) => tab.polls() > 0).length, 1);
    await setStatus(`${app.url}/tasks/tests-e2e/`, "En cours");
    for (const { page } of tabs) {
      await page.waitForSelector('#card-tests-e2e[data-status="En cours"]');
    }
  },
);

pageTest(
  "a page without islands ships no script",
  async ({ app }) => {
    const html = await (await fetch(`${app.url}/no-such-page`)).text();
    assert.match(html, /Page introuvable/);
    assert.doesNotMatch(html, /<script/);
  },
);

pageTest(
  "screenshot: the board",
  { beforeOpen: someTasks },
  async ({ app, openTab }) => {
    const { page } = await openTab(
      { width: 1280, height: 800 },
      `${app.url}/tasks`,
    );
    await waitForConnection(page, "live");
    await settle(page);
    await screenshot(page, "board");
    await page.emulateMediaFeatures([{
      name: "prefers-color-scheme",
      value: "dark",
    }]);
    await settle(page);
    await screenshot(page, "board-dark");
  },
);

pageTest(
  "past 100 tasks the board goes on on a next page, each page with its one poll",
  {
    beforeOpen: async (app) => {
      for (let i = 0; i <= 100; i++) {
        const id = `a-${String(i).padStart(3, "0")}`;
        await setStatus(`${app.url}/tasks/${id}/`, "En cours");
      }
    },
  },
  async ({ app, openTab }) => {
    const { page } = await openTab({}, `${app.url}/tasks`);
    await waitForConnection(page, "live");
    assert.equal((await cards(page)).length, 100);
    await Promise.all([page.waitForNavigation(), page.click("#board-next")]);
    await waitForConnection(page, "live");
    assert.deepEqual(
      (await cards(page)).map(([id]) => id),
      ["a-100", "default"],
    );
  },
);
