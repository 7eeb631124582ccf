import assert from "node:assert/strict";
import { request } from "./fixture.ts";

async function text(path: string, init?: RequestInit) {
  const res = await request(path, init);
  return { res, body: await res.text() };
}

Deno.test("requests reach the most specific route", async (t) => {
  const cases: [string, string][] = [
    ["/blog/latest", "latest post"],
    ["/blog/hello", "post hello"],
    ["/blog/2024/05/hello", "catch-all 2024/05/hello"],
    ["/pricing", "pricing"],
  ];
  for (const [path, expected] of cases) {
    await t.step(`${path} renders "${expected}"`, async () => {
      const { res, body } = await text(path);
      assert.equal(res.status, 200);
      assert.match(body, new RegExp(`<p>${expected}</p>`));
    });
  }
  await t.step("a dotted file name serves its exact path", async () => {
    const { res, body } = await text("/openapi.json");
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(body), { openapi: "3.1.0" });
  });
  await t.step("params are decoded", async () => {
    const { body } = await text("/api/a%20b");
    assert.deepEqual(JSON.parse(body), { id: "a b" });
  });
  await t.step(
    "a trailing slash redirects to the path without it",
    async () => {
      const res = await request("/about/?x=1");
      assert.equal(res.status, 307);
      assert.equal(res.headers.get("location"), "/about?x=1");
      const offsite = await request("http://localhost//evil.example/");
      assert.equal(offsite.headers.get("location"), "/evil.example");
    },
  );
});

Deno.test("a handler object answers its methods and 405 otherwise", async (t) => {
  await t.step("GET and POST reach their handlers", async () => {
    const get = await text("/api/items");
    assert.equal(get.res.status, 200);
    assert.deepEqual(JSON.parse(get.body).items, ["a"]);
    // ctx.remoteAddr is the address the server was given for the request.
    assert.equal(JSON.parse(get.body).from, "127.0.0.1");
    const post = await text("/api/items", {
      method: "POST",
      body: JSON.stringify({ name: "b" }),
    });
    assert.equal(post.res.status, 201);
    assert.deepEqual(JSON.parse(post.body), { created: { name: "b" } });
  });
  await t.step("DELETE answers 405 with Allow", async () => {
    const { res } = await text("/api/items", { method: "DELETE" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, POST, HEAD");
  });
  await t.step("a page without handler allows GET and HEAD only", async () => {
    const { res } = await text("/about", { method: "POST" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, HEAD");
  });
});

Deno.test("HEAD follows GET without a body", async () => {
  for (const path of ["/api/items", "/about", "/hello.txt"]) {
    const get = await request(path);
    const head = await request(path, { method: "HEAD" });
    assert.equal(head.status, 200, path);
    assert.equal(
      head.headers.get("content-type"),
      get.headers.get("content-type"),
    );
    assert.equal(await head.text(), "", path);
    assert.notEqual(await get.text(), "", path);
  }
});

Deno.test("ctx.render renders the page inside _app's document", async () => {
  const { res, body } = await text("/users/7");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.ok(body.startsWith('<!DOCTYPE html><html lang="en"><head>'), body);
  assert.match(body, /<body class="bg-white"><p class="font-bold">user 7<\/p>/);
  assert.equal(body.match(/<html/g)?.length, 1);
  assert.equal(body.match(/<head>/g)?.length, 1);
});

Deno.test("<Head> children from a page land in the document's head", async () => {
  const { body } = await text("/");
  const head = body.slice(body.indexOf("<head>"), body.indexOf("</head>"));
  assert.match(head, /<meta charset="utf-8"\/>/);
  assert.match(head, /<title>Fixture home<\/title>/);
  assert.doesNotMatch(body.slice(body.indexOf("</head>")), /<title>/);
});

Deno.test("unknown paths and renderNotFound answer _404", async (t) => {
  await t.step("an unknown path", async () => {
    const { res, body } = await text("/no/such/page");
    assert.equal(res.status, 404);
    assert.match(body, /<h1 class="text-xl">Nothing at \/no\/such\/page<\/h1>/);
    assert.match(body, /<body class="bg-white">/);
  });
  await t.step("ctx.renderNotFound() from a handler", async () => {
    const { res, body } = await text("/users/0");
    assert.equal(res.status, 404);
    assert.match(body, /Nothing at \/users\/0/);
  });
});

Deno.test("a thrown error renders _500", async () => {
  const logged: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    const { res, body } = await text("/boom");
    assert.equal(res.status, 500);
    assert.match(body, /<h1>Failed: kaboom<\/h1>/);
    assert.equal(logged.length, 1);
  } finally {
    console.error = original;
  }
});

Deno.test("middlewares share ctx.state and wrap the route via ctx.next()", async (t) => {
  await t.step(
    "root, plugin and nested middlewares all ran, in order",
    async () => {
      const { body } = await text("/api/items");
      assert.deepEqual(JSON.parse(body).state, {
        greeting: "hello",
        plugin: "probe",
        api: true,
      });
    },
  );
  await t.step(
    "the nested middleware does not run outside its directory",
    async () => {
      const { body } = await text("/");
      assert.match(body, /Home says hello/);
      assert.match(body, /<meta name="app" content="probe"\/>/);
    },
  );
  await t.step(
    "the root middleware sees the response of ctx.next()",
    async () => {
      assert.equal((await request("/about")).headers.get("x-root"), "route");
      assert.equal((await request("/nope")).headers.get("x-root"), "notFound");
      assert.equal(
        (await request("/hello.txt")).headers.get("x-root"),
        "static",
      );
    },
  );
  await t.step("plugin routes are served", async () => {
    const { res, body } = await text("/_probe/ping");
    assert.equal(res.status, 200);
    assert.equal(body, "pong");
  });
});
