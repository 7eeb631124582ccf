import assert from "node:assert/strict";
import { browserTest } from "../support/browser.ts";
import { serveFixture } from "./fixture.ts";

browserTest(
  "an island hydrates: clicking the counter's button changes the count",
  async (browser) => {
    const app = await serveFixture();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await page.goto(`${app.url}/`);
      // The server renders the button disabled; hydration enables it.
      await page.waitForSelector("button:not([disabled])", { timeout: 10_000 });
      assert.equal(await page.$eval("#count", (e) => e.textContent), "0");
      const grey = await page.$eval("#count", (e) => getComputedStyle(e).color);
      await page.click("button");
      await page.waitForFunction(
        () => document.querySelector("#count")?.textContent === "1",
        { timeout: 5_000 },
      );
      // A class only the browser adds is styled already (no unstyled flash).
      assert.equal(
        await page.$eval("#count", (e) => e.className),
        "text-red-600",
      );
      const red = await page.$eval("#count", (e) => getComputedStyle(e).color);
      assert.notEqual(red, grey);
      assert.equal(red, "rgb(220, 38, 38)");
      assert.deepEqual(errors, []);
    } finally {
      await app.close();
    }
  },
);
