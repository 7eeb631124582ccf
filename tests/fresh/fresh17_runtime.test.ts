/** `$fresh/runtime.ts` in pages: partials and client navigation, assets, CSP, `<Head>`, error boundaries; against `tests/fixtures/fresh17/runtime/`. */
import assert from "node:assert/strict";
import { browserTest, type Page } from "../support/browser.ts";
import { serveApp, textOf, watchErrors } from "./fresh17.ts";

const area = "runtime";

Deno.test("<img> src and srcset under static/ get the build id, unless locked", async () => {
  const { body } = await textOf(area, "/images");
  const id = body.match(/__frsh_c=(\w+)/)![1];
  assert.match(
    body,
    new RegExp(`<img id="plain" src="/img/logo.svg\\?__frsh_c=${id}"`),
  );
  assert.match(
    body,
    new RegExp(
      `<img id="set" srcset="/img/logo.svg\\?__frsh_c=${id} 1x, /img/logo-2x.svg\\?__frsh_c=${id} 2x"`,
    ),
  );
  assert.match(
    body,
    /<img id="locked" src="\/img\/logo.svg" data-fresh-disable-lock/,
  );
  assert.match(body, /<img id="remote" src="https:\/\/example.com\/a.png"/);
  assert.match(
    body,
    new RegExp(`<a id="manual" href="/img/logo.svg\\?__frsh_c=${id}">`),
  );
  assert.match(
    body,
    new RegExp(
      `<span id="manual-set">/a.png\\?__frsh_c=${id} 1x, /b.png\\?__frsh_c=${id} 2x</span>`,
    ),
  );
});

Deno.test("<Head>: the last title wins over _app's, and the last element of a key", async () => {
  const { body } = await textOf(area, "/head");
  const head = body.slice(body.indexOf("<head>"), body.indexOf("</head>"));
  assert.deepEqual(head.match(/<title>[^<]*<\/title>/g), [
    "<title>Last title</title>",
  ]);
  assert.deepEqual(head.match(/<meta name="description"[^>]*>/g), [
    '<meta name="description" content="from a component, later"/>',
  ]);
  assert.match(head, /<link rel="preconnect" href="https:\/\/example.com"\/>/);
});

Deno.test("a route with csp: true sends its policy, and every script carries the nonce", async () => {
  const { headers, body } = await textOf(area, "/csp");
  const policy = headers.get("content-security-policy")!;
  const nonce = policy.match(/'nonce-(\w+)'/)![1];
  assert.equal(
    policy,
    `default-src 'none'; style-src 'unsafe-inline'; script-src 'self' 'nonce-${nonce}'; connect-src 'self'; img-src 'self'`,
  );
  const scripts = body.match(/<script[^>]*>/g)!;
  assert.equal(scripts.length, 3, "inline, island props, module");
  for (const tag of scripts) assert.match(tag, new RegExp(`nonce="${nonce}"`));
  const other = await textOf(area, "/csp");
  assert.notEqual(other.headers.get("content-security-policy"), policy);
  const plain = await textOf(area, "/head");
  assert.equal(plain.headers.get("content-security-policy"), null);
});

Deno.test("an error boundary catches a child's error while rendering on the server", async () => {
  const { status, body } = await textOf(area, "/boundary");
  assert.equal(status, 200);
  assert.match(
    body,
    /<h1>Still here<\/h1><p class="fallback">Could not show the widget: widget failed<\/p>/,
  );
});

Deno.test("a <Partial> renders between markers that client navigation finds", async () => {
  const { body } = await textOf(area, "/docs/one");
  assert.match(
    body,
    /<!--frsh-partial:replace:body--><h1 id="title">Doc one<\/h1>/,
  );
  assert.match(
    body,
    /<!--\/frsh-partial:body--><\/body>|<!--\/frsh-partial:body--><script/,
  );
  assert.match(body, /<body f-client-nav="true">/);
  assert.match(body, /<a href="\/plain" f-client-nav="false">/);
});

async function waitText(page: Page, selector: string, expected: string) {
  await page.waitForFunction(
    (s, e) => document.querySelector(s)?.textContent?.trim() === e,
    { timeout: 5_000 },
    selector,
    expected,
  );
}

const hydrated = (page: Page, selector: string) =>
  page.waitForFunction(
    (s) =>
      (document.querySelector(s) as HTMLElement | null)?.onclick !== undefined,
    { timeout: 10_000 },
    selector,
  );

browserTest(
  "client navigation swaps partials without reloading, in Chromium",
  async (browser, t) => {
    const app = await serveApp(area);
    try {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${app.url}/docs/one`);
      await hydrated(page, "#clicks");
      await page.click("#clicks");
      await waitText(page, "#clicks", "clicks 1");
      await page.evaluate(() =>
        Object.assign(globalThis, { sameDocument: true })
      );
      const sameDocument = () =>
        page.evaluate(() => "sameDocument" in globalThis);

      await t.step(
        "a link swaps the page's partial; islands outside keep their state",
        async () => {
          await page.click('a[href="/docs/two"]');
          await waitText(page, "#title", "Doc two");
          assert.equal(new URL(page.url()).pathname, "/docs/two");
          assert.equal(await page.title(), "Doc two");
          assert.ok(await sameDocument());
          assert.equal(
            await page.$eval("#clicks", (e) => e.textContent),
            "clicks 1",
          );
        },
      );
      await t.step("an island in the new content hydrates", async () => {
        await hydrated(page, ".like");
        await page.click(".like");
        await waitText(page, ".like", "liked two");
      });
      await t.step("back swaps the previous page in", async () => {
        await page.goBack();
        await waitText(page, "#title", "Doc one");
        assert.ok(await sameDocument());
      });
      await t.step("f-client-nav={false} navigates for real", async () => {
        await Promise.all([
          page.waitForNavigation(),
          page.click('a[href="/plain"]'),
        ]);
        await waitText(page, "#title", "Plain");
        assert.ok(!(await sameDocument()));
      });
      await t.step(
        "f-partial fetches the partial route, and append mode adds to a list",
        async () => {
          await page.goto(`${app.url}/tabs`);
          await hydrated(page, "#clicks");
          await page.evaluate(() =>
            Object.assign(globalThis, { sameDocument: true })
          );
          await page.click("#tab-2");
          await waitText(page, "#tab", "Tab 2");
          assert.equal(new URL(page.url()).search, "?tab=2");
          await page.click("#more");
          await page.waitForFunction(() =>
            document.querySelectorAll("li").length === 2
          );
          assert.deepEqual(
            await page.$$eval("li", (els) => els.map((e) => e.textContent)),
            ["item 1", "item 2"],
          );
          assert.ok(await sameDocument());
        },
      );
      assert.deepEqual(errors, []);
    } finally {
      await app.close();
    }
  },
);

browserTest(
  "a page under its CSP hydrates and runs its nonce'd script, with no violation",
  async (browser) => {
    const app = await serveApp(area);
    try {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${app.url}/csp`);
      await hydrated(page, ".like");
      await page.click(".like");
      await waitText(page, ".like", "liked csp");
      assert.equal(
        await page.evaluate(() => document.body.dataset.inline),
        "ran",
      );
      assert.deepEqual(errors, []);
    } finally {
      await app.close();
    }
  },
);
