/** Islands as Fresh 1.7 has them, against `tests/fixtures/fresh17/islands/`. */
import assert from "node:assert/strict";
import { browserTest, type Page } from "../support/browser.ts";
import { serveApp, textOf, watchErrors } from "./fresh17.ts";

const area = "islands";

/** The island data the page sends: [module, export, props] by island id. */
function islands(body: string) {
  const json = body.match(
    /<script id="__FRSH_STATE" type="application\/json">([^<]*)<\/script>/,
  )![1];
  const data = JSON.parse(json);
  return {
    modules: data.m as Record<string, string>,
    list: data.i.map(([m, name]: [number, string], id: number) => [
      data.m[m].replace(/^.*\//, ""),
      name,
      data.p[id],
    ]),
  };
}

Deno.test("JSX children of an island are rendered on the server inside it, and sent as a slot", async (t) => {
  const { body } = await textOf(area, "/");
  await t.step(
    "rendered in place, a nested island (passed as a child) marked on its own",
    () => {
      assert.match(
        body,
        /<div class="menu"><frsh-slot data-slot="0:children" style="display:contents"><p id="server-child">rendered on the server <strong class="price">12\.50 €<\/strong><\/p><frsh-island data-id="1" style="display:contents"><button type="button" class="inner">inner 100<\/button><\/frsh-island><\/frsh-slot><\/div>/,
      );
    },
  );
  await t.step(
    "children the island does not render yet travel in a template",
    () => {
      assert.match(
        body,
        /<template data-frsh-slot="2:children"><frsh-slot data-slot="2:children" style="display:contents"><p id="modal-body">Hello from the modal<\/p><frsh-island data-id="\d+" style="display:contents"><button type="button" class="inner">inner 200<\/button><\/frsh-island><\/frsh-slot><\/template>/,
      );
    },
  );
  await t.step("the props say which props are slots", () => {
    const { list } = islands(body);
    assert.deepEqual(list[0], ["Dropdown.js", "default", {
      label: "Menu",
      children: { __f: "j" },
    }]);
  });
});

Deno.test("one signal passed to two islands is sent once and referenced", async () => {
  const { list } = islands((await textOf(area, "/")).body);
  const counters = list.filter(([file]: [string]) => file === "Counter.js");
  assert.deepEqual(counters.map(([, , props]: unknown[]) => props), [
    { id: "a", count: { __f: "s", i: 0, v: 0 } },
    { id: "b", count: { __f: "r", i: 0 } },
  ]);
});

Deno.test("an island rendered by another island hydrates with it", async () => {
  const { body } = await textOf(area, "/");
  assert.match(
    body,
    /<frsh-island data-id="\d+" style="display:contents"><section id="outer"><button type="button" id="outer-plus">outer 0<\/button><button type="button" class="inner">inner 10<\/button><\/section><\/frsh-island>/,
  );
});

Deno.test("islands come from folders, from several exports of a file, from (_islands) route folders and from plugins", async () => {
  const { list } = islands((await textOf(area, "/")).body);
  const names = list.map(([file, name]: string[]) => `${file}#${name}`);
  for (
    const name of [
      "Badges.js#Star",
      "Badges.js#Heart",
      "Badges.js#default",
      "HelloIsland.js#default",
    ]
  ) {
    assert.ok(names.includes(name), `${name} in ${names}`);
  }
  const gallery = islands((await textOf(area, "/gallery")).body);
  assert.deepEqual(gallery.list, [["Slides.js", "default", { count: 3 }]]);
});

Deno.test("a string event handler stays an inline attribute", async () => {
  const { body } = await textOf(area, "/");
  assert.match(
    body,
    /<button type="button" id="inline" ONclick="this\.dataset\.clicked = 'yes'">inline<\/button>/,
  );
});

async function text(page: Page, selector: string): Promise<string> {
  return await page.$eval(selector, (e) => e.textContent ?? "");
}

async function clickUntil(
  page: Page,
  selector: string,
  target: string,
  expected: string,
) {
  await page.click(selector);
  await page.waitForFunction(
    (s, e) => document.querySelector(s)?.textContent === e,
    { timeout: 5_000 },
    target,
    expected,
  );
}

browserTest(
  "islands hydrate in Chromium: children in place, nested islands, shared signals, inline handlers",
  async (browser, t) => {
    const app = await serveApp(area);
    try {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${app.url}/`);
      await page.waitForFunction(
        () =>
          document.querySelectorAll("frsh-island").length > 0 &&
          // The plugin's island is the last: once it counts, all have hydrated.
          (document.querySelector("#hello") as HTMLButtonElement)?.onclick !==
            undefined,
      );
      await clickUntil(page, "#hello", "#hello", "waved 1");

      await t.step(
        "a child island keeps its state while its dropdown closes and opens",
        async () => {
          await clickUntil(page, ".menu .inner", ".menu .inner", "inner 101");
          await page.click("#dropdown-toggle");
          await page.waitForFunction(() => !document.querySelector(".menu"));
          await page.click("#dropdown-toggle");
          await page.waitForSelector(".menu #server-child");
          assert.equal(await text(page, ".menu .inner"), "inner 101");
          await clickUntil(page, ".menu .inner", ".menu .inner", "inner 102");
        },
      );
      await t.step(
        "children first shown in the browser come from the server's template, their island alive",
        async () => {
          assert.equal(await page.$("#modal-body"), null);
          await page.click("#modal-open");
          await page.waitForSelector("dialog #modal-body");
          await clickUntil(page, "dialog .inner", "dialog .inner", "inner 201");
        },
      );
      await t.step("two islands given one signal stay in step", async () => {
        await clickUntil(page, "#a-plus", "#b-value", "1");
        await clickUntil(page, "#b-plus", "#a-value", "2");
      });
      await t.step("an island inside another works as part of it", async () => {
        await clickUntil(page, "#outer .inner", "#outer .inner", "inner 11");
        await clickUntil(page, "#outer-plus", "#outer-plus", "outer 1");
      });
      await t.step("several islands from one file", async () => {
        await clickUntil(page, "#star", "#star", "★");
        await clickUntil(page, "#heart", "#heart", "♥");
      });
      await t.step("a string event handler runs", async () => {
        await page.click("#inline");
        assert.equal(
          await page.$eval(
            "#inline",
            (e) => (e as HTMLElement).dataset.clicked,
          ),
          "yes",
        );
      });
      await t.step("an island from a (_islands) route folder", async () => {
        await page.goto(`${app.url}/gallery`);
        await page.waitForFunction(() =>
          (document.querySelector("#slides") as HTMLButtonElement)?.onclick !==
            undefined
        );
        await clickUntil(page, "#slides", "#slides", "slide 1 of 3");
      });
      assert.deepEqual(errors, []);
    } finally {
      await app.close();
    }
  },
);
