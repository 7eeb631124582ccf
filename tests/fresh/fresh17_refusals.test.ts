/**
 * Nothing silent: what Fresh 1.7 supports and the core does not is refused
 * at start (or, for a value met while rendering, at first use) with one line
 * naming the feature and where it was used.
 */
import assert from "node:assert/strict";
import { h } from "preact";
import { useState } from "preact/hooks";
import {
  createHandler,
  type FreshConfig,
  type Manifest,
} from "$fresh/server.ts";
import { Partial } from "$fresh/runtime.ts";
import twindPlugin from "$fresh/plugins/twind.ts";
import tailwind from "$fresh/plugins/tailwind.ts";
import { spawnApp } from "./process.ts";
import { appDir } from "./fresh17.ts";

const BASE =
  new URL("../fixtures/fresh17/refused/fresh.gen.ts", import.meta.url)
    .href;

function manifest(
  routes: Manifest["routes"],
  islands: Manifest["islands"] = {},
): Manifest {
  return { routes, islands, baseUrl: BASE };
}

const page = { default: () => h("p", null, "page") };

async function refused(
  config: () => FreshConfig,
  message: RegExp,
  routes = {},
) {
  await assert.rejects(
    async () =>
      await createHandler(
        manifest({ "./routes/index.tsx": page, ...routes }),
        config(),
      ),
    message,
  );
}

Deno.test("options of Fresh's config the core does not implement are refused by name", async (t) => {
  const cases: [string, () => FreshConfig, RegExp][] = [
    [
      "TLS",
      () => ({ server: { cert: "c", key: "k" } }),
      /fresh\.config\.ts: TLS \(server\.cert\) is not supported by this Fresh core$/,
    ],
    [
      "server.onError",
      () => ({ server: { onError: () => new Response() } }),
      /fresh\.config\.ts: server\.onError is not supported/,
    ],
    [
      "a top-level port, as older Fresh took it",
      () => ({ port: 8000 }) as FreshConfig,
      /use server\.port/,
    ],
    [
      "a build target other than es2022",
      () => ({ build: { target: "es2020" } }),
      /fresh\.config\.ts: build\.target "es2020" is not supported/,
    ],
    [
      "a base path that ends with a slash",
      () => ({ router: { basePath: "/docs/" } }),
      /router\.basePath must be "" or start with "\/" and not end with it/,
    ],
    [
      "a tailwind plugin option",
      () => ({
        plugins: [tailwind({ dest: "x" } as unknown as Record<string, never>)],
      }),
      /the tailwind plugin option "dest" is not supported/,
    ],
    [
      "a plugin entrypoint that is no file",
      () => ({
        plugins: [{
          name: "cdn",
          entrypoints: { main: "https://cdn.example/x.js" },
        }],
      }),
      /plugin cdn: an entrypoint that is no file: or data: URL \(https:\/\/cdn\.example\/x\.js\) is not supported/,
    ],
    [
      "a plugin island that is no file",
      () => ({
        plugins: [{
          name: "remote",
          islands: { baseLocation: "https://cdn.example/", paths: ["./X.tsx"] },
        }],
      }),
      /plugin remote: an island outside the file system \(https:\/\/cdn\.example\/X\.tsx\) is not supported/,
    ],
  ];
  for (const [name, config, message] of cases) {
    await t.step(name, () => refused(config, message));
  }
});

Deno.test("route modules that Fresh would misread stop the app with one line", async (t) => {
  await t.step(
    '"handlers" instead of "handler"',
    () =>
      refused(
        () => ({}),
        /routes\/api\.ts: exports "handlers"; Fresh reads the export "handler"/,
        {
          "./routes/api.ts": { handlers: { GET: () => new Response() } },
        },
      ),
  );
  await t.step(
    "a default export that is no component",
    () =>
      refused(
        () => ({}),
        /routes\/about\.tsx: the default export must be a component/,
        {
          "./routes/about.tsx": { default: "About" },
        },
      ),
  );
  await t.step(
    "a layout without a component",
    () =>
      refused(
        () => ({}),
        /routes\/_layout\.tsx: a layout must export a component as default/,
        {
          "./routes/_layout.tsx": { config: {} },
        },
      ),
  );
});

Deno.test("a twind v0.16 configuration works where twind v1 has the same, and is refused where not", async (t) => {
  await t.step("theme and preflight are carried over", async () => {
    const plugin = twindPlugin({
      selfURL: "file:///app/twind.config.ts",
      preflight: false,
      theme: { extend: { colors: { brand: "#123456" } } },
    });
    const handler = await createHandler(
      manifest({
        "./routes/index.tsx": {
          default: () => h("p", { class: "text-brand p-2" }),
        },
      }),
      { plugins: [plugin] },
    );
    const html = await (await handler(new Request("http://localhost/"))).text();
    const css = html.match(/<style id="__FRSH_TWIND">([^<]*)<\/style>/)![1];
    assert.match(css, /\.text-brand\{[^}]*#123456|\.text-brand\{[^}]*18,52,86/);
    assert.match(css, /\.p-2\{padding:0\.5rem\}/);
    assert.doesNotMatch(css, /box-sizing/, "no preflight");
  });
  await t.step("a v0.16 plugin function is refused, naming the file", () => {
    assert.throws(
      () =>
        twindPlugin({
          selfURL: "file:///app/twind.config.ts",
          plugins: { btn: () => ({}) },
        }),
      /^UnsupportedError: twind\.config\.ts: the twind v0\.16 option "plugins" is not supported by this Fresh core$/m,
    );
  });
});

Deno.test("values met while rendering are refused at first use, by name", async (t) => {
  const Island = (props: { onPick?: () => void; when?: unknown }) =>
    h("b", null, String(props.when ?? ""));
  const Nav = () => h(Partial, { name: "inside" }, h("i", null));
  const islands = {
    "./islands/Island.tsx": { default: Island },
    "./islands/Nav.tsx": { default: Nav },
  };
  const render = async (component: () => unknown) => {
    const handler = await createHandler(
      manifest({ "./routes/index.tsx": { default: component } }, islands),
    );
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args.join(" "));
    try {
      const res = await handler(new Request("http://localhost/"));
      await res.body?.cancel();
      return { status: res.status, logged: logged.join("\n") };
    } finally {
      console.error = original;
    }
  };
  await t.step("a function as an island prop", async () => {
    const { status, logged } = await render(() =>
      h(Island, { onPick: () => {} })
    );
    assert.equal(status, 500);
    assert.match(
      logged,
      /islands\/Island\.tsx \(default\) props\.onPick cannot cross to the browser \(a function\)/,
    );
  });
  await t.step("a Map as an island prop", async () => {
    const { logged } = await render(() => h(Island, { when: new Map() }));
    assert.match(
      logged,
      /props\.when cannot cross to the browser \(a Map object\)/,
    );
  });
  await t.step("useState outside an island", async () => {
    function Stateful() {
      const [n] = useState(1);
      return h("i", null, n);
    }
    const { status, logged } = await render(() => h(Stateful, null));
    assert.equal(status, 500);
    assert.match(logged, /Stateful calls useState outside an island/);
  });
  await t.step("two partials of one name", async () => {
    const { logged } = await render(() =>
      h("div", null, h(Partial, { name: "x" }), h(Partial, { name: "x" }))
    );
    assert.match(logged, /two <Partial>s are named "x"/);
  });
  await t.step("a <Partial> inside an island", async () => {
    const { logged } = await render(() => h(Nav, null));
    assert.match(
      logged,
      /<Partial name="inside"> cannot be used inside an island/,
    );
  });
  await t.step("an f-loading signal", async () => {
    const { logged } = await render(() =>
      h("a", { href: "/", "f-loading": true } as Record<string, unknown>)
    );
    assert.match(
      logged,
      /<a>: the f-loading attribute is not supported by this Fresh core/,
    );
  });
  await t.step("an unknown partial mode", async () => {
    const { logged } = await render(() =>
      h(Partial, { name: "x", mode: "swap" as "replace" })
    );
    assert.match(logged, /<Partial name="x">: unknown mode "swap"/);
  });
});

Deno.test("a refused app stops at start with one line and exit code 1", async () => {
  const app = spawnApp({
    main: new URL("main.ts", appDir("refused" as "routes")),
  });
  const status = await app.exit();
  assert.equal(status.code, 1);
  assert.equal(
    app.stderr(),
    "error: Uncaught (in promise) UnsupportedError: fresh.config.ts: TLS (server.cert) is not supported by this Fresh core\n",
  );
});
