/** Plugins and `$fresh/plugins/twindv1.ts`, against `tests/fixtures/fresh17/plugins/`. */
import assert from "node:assert/strict";
import { browserTest } from "../support/browser.ts";
import { fetchApp, serveApp, textOf, watchErrors } from "./fresh17.ts";

const area = "plugins";

function head(body: string): string {
  return body.slice(body.indexOf("<head>"), body.indexOf("</head>"));
}

Deno.test("render hooks put styles and links into the head", async (t) => {
  const { body } = await textOf(area, "/");
  await t.step("a render hook's style and link", () => {
    assert.match(
      head(body),
      /<style id="analytics-style">body\{--analytics:1\}<\/style>/,
    );
    assert.match(
      head(body),
      /<link rel="stylesheet" href="\/analytics.css"\/>/,
    );
  });
  await t.step(
    "an async render hook wraps the page render and adds a style",
    () => {
      const timing = head(body).match(
        /<style id="timing">:root\{--render-ms:\d+;--body-length:(\d+)\}<\/style>/,
      );
      assert.ok(timing, head(body));
      assert.ok(Number(timing[1]) > 100);
    },
  );
  await t.step(
    "twindv1 styles the classes the page uses, and those its islands may set",
    () => {
      const css =
        head(body).match(/<style id="__FRSH_TWIND">([\s\S]*?)<\/style>/)![1];
      for (
        const name of [
          "p-4",
          "text-4xl",
          "font-bold",
          "bg-gray-200",
          "bg-green-600",
        ]
      ) {
        assert.match(css, new RegExp(`\\.${name}\\{`), name);
      }
    },
  );
});

Deno.test("a render hook's script ships with its state, even on a page without islands", async () => {
  for (const [path, hydrated] of [["/", true], ["/static", false]] as const) {
    const { body } = await textOf(area, path);
    const module = body.match(/<script type="module">([^<]*)<\/script>/)![1];
    assert.match(
      module,
      new RegExp(
        `import p0 from"[^"]+";p0\\(\\{"site":"fixture","hydrated":${hydrated}\\}\\);`,
      ),
    );
    const url = module.match(/import p0 from"([^"]+)"/)![1];
    const res = await fetchApp(area, url);
    assert.match(await res.text(), /dataset\.analytics/);
  }
});

Deno.test("plugin routes and middlewares", async (t) => {
  await t.step(
    "a route written like a file name, with params and the middleware's state",
    async () => {
      const first = await (await fetchApp(area, "/api/analytics/shop")).json();
      const second = await (await fetchApp(area, "/api/analytics/shop")).json();
      assert.equal(first.site, "shop");
      assert.equal(second.visits, first.visits + 1);
    },
  );
  await t.step("a route with a component renders inside the app", async () => {
    const { status, body } = await textOf(area, "/analytics");
    assert.equal(status, 200);
    assert.match(body, /<p id="visits">visit \d+<\/p>/);
  });
});

browserTest(
  "a plugin's script runs in the browser with its state",
  async (browser) => {
    const app = await serveApp(area);
    try {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${app.url}/`);
      await page.waitForFunction(() =>
        document.body.dataset.analytics === "fixture:true"
      );
      await page.waitForFunction(() =>
        (document.querySelector("#toggle") as HTMLElement).onclick !== undefined
      );
      await page.click("#toggle");
      await page.waitForFunction(() =>
        document.querySelector("#toggle")?.textContent === "on"
      );
      const color = await page.$eval(
        "#toggle",
        (e) => getComputedStyle(e).backgroundColor,
      );
      assert.equal(color, "rgb(22, 163, 74)");
      // The plugin's stylesheet link points at no file: its 404 is expected.
      assert.deepEqual(
        errors.filter((e) => !e.endsWith("/analytics.css")),
        [],
      );
    } finally {
      await app.close();
    }
  },
);
