/**
 * The architecture, as a test: imports run one way down the layers of
 * lib/, the browser side stays off the server's layers, the framework
 * knows nothing of the app, and importing a module does nothing.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Server layers, lowest first: a module imports only its own layer and those below. */
const SERVER_LAYERS = [
  "lib/domain",
  "lib/live",
  "lib/stores",
  "lib/app",
  "lib/http",
  "routes",
];

/** Code that runs in the page, and what it may import besides itself. */
const BROWSER_SIDE = ["lib/client", "lib/ui", "islands", "components"];
const BROWSER_MAY_IMPORT = [...BROWSER_SIDE, "lib/domain", "lib/fresh"];

/** Where each folder of project code may import from (npm packages aside). */
function allowedTargets(folder: string): string[] | undefined {
  if (folder === "lib/fresh") return ["lib/fresh"];
  if (folder === "lib/client") return ["lib/client", "lib/domain"];
  if (BROWSER_SIDE.includes(folder)) return BROWSER_MAY_IMPORT;
  if (folder === "lib/cli") return ["lib/cli", "lib/client", "lib/domain"];
  const layer = SERVER_LAYERS.indexOf(folder);
  if (layer === -1) return undefined; // entry points, tests, bench: anything
  // Routes render pages: they also take the islands and components.
  const extra = folder === "routes"
    ? [...BROWSER_SIDE, "lib/fresh"]
    : ["lib/fresh"];
  return [...SERVER_LAYERS.slice(0, layer + 1), ...extra];
}

/** The folder that gives a file its rules: `lib/<layer>` or a top-level folder. */
export function folderOf(path: string): string {
  const parts = path.split("/");
  return parts[0] === "lib" ? parts.slice(0, 2).join("/") : parts[0];
}

/** One import of one file, both as paths from the project root. */
export interface Edge {
  from: string;
  to: string;
}

/** The imports that break the rules above, as readable lines. */
export function violations(edges: Edge[]): string[] {
  const found: string[] = [];
  for (const { from, to } of edges) {
    const allowed = allowedTargets(folderOf(from));
    if (allowed === undefined) continue;
    if (!allowed.includes(folderOf(to))) {
      found.push(`${from} imports ${to}`);
    }
  }
  return found;
}

const SPECIFIER = /(?:\bfrom|\bimport\s*\(|\bimport)\s*["']([^"']+)["']/g;

/** The project files a source file imports (relative and `$fresh/` specifiers). */
function importsOf(path: string, source: string): string[] {
  const targets: string[] = [];
  for (const [, specifier] of source.matchAll(SPECIFIER)) {
    if (specifier.startsWith("$fresh/")) {
      targets.push(normalize(join("lib/fresh", specifier.slice(7))));
    } else if (specifier.startsWith(".")) {
      targets.push(normalize(join(dirname(path), specifier)));
    }
  }
  return targets;
}

async function* sourceFiles(folder: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(join(ROOT, folder))) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(entry.name)) yield path;
  }
}

const CHECKED = ["lib", "routes", "islands", "components"];

const toFileUrl = (path: string) => pathToFileURL(join(ROOT, path)).href;

async function projectEdges(): Promise<Edge[]> {
  const edges: Edge[] = [];
  for (const folder of CHECKED) {
    for await (const path of sourceFiles(folder)) {
      const source = await Deno.readTextFile(join(ROOT, path));
      for (const to of importsOf(path, source)) edges.push({ from: path, to });
    }
  }
  return edges;
}

Deno.test("the rules catch an import against them", async (t) => {
  await t.step("upwards across the server layers", () => {
    assert.deepEqual(
      violations([
        { from: "lib/domain/history.ts", to: "lib/live/state_hub.ts" },
        { from: "lib/live/state_hub.ts", to: "lib/http/responses.ts" },
        { from: "lib/stores/kv/kv_store.ts", to: "lib/app/config.ts" },
      ]),
      [
        "lib/domain/history.ts imports lib/live/state_hub.ts",
        "lib/live/state_hub.ts imports lib/http/responses.ts",
        "lib/stores/kv/kv_store.ts imports lib/app/config.ts",
      ],
    );
  });
  await t.step("from the browser side into the server's layers", () => {
    assert.equal(
      violations([
        { from: "islands/StatusLive.tsx", to: "lib/app/config.ts" },
        { from: "lib/ui/format.ts", to: "lib/stores/memory_store.ts" },
      ]).length,
      2,
    );
  });
  await t.step("from the framework into the app", () => {
    assert.deepEqual(
      violations([{ from: "lib/fresh/start.ts", to: "lib/app/config.ts" }]),
      ["lib/fresh/start.ts imports lib/app/config.ts"],
    );
  });
  await t.step("but not downwards, nor within a layer", () => {
    assert.deepEqual(
      violations([
        { from: "routes/get-status.ts", to: "lib/http/get_status.ts" },
        { from: "lib/http/poll_status.ts", to: "lib/domain/poll_rule.ts" },
        { from: "lib/stores/redis/redis_store.ts", to: "lib/stores/x.ts" },
        { from: "islands/StatusLive.tsx", to: "lib/client/mod.ts" },
      ]),
      [],
    );
  });
});

Deno.test("imports run one way: domain ← live ← stores ← app ← http ← routes", async () => {
  const edges = await projectEdges();
  assert.ok(edges.length > 100, `only ${edges.length} imports found`);
  assert.deepEqual(violations(edges), []);
});

Deno.test("importing any module of the app opens, reads and starts nothing", async () => {
  const modules: string[] = [];
  for (const folder of CHECKED) {
    for await (const path of sourceFiles(folder)) modules.push(path);
  }
  modules.push("fresh.config.ts", "fresh.gen.ts");
  // No permissions at all: a module that opened a store, read the
  // environment or a file, or listened at import time would fail here.
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    script,
    modules
      .map((path) => `await import(${JSON.stringify(toFileUrl(path))});`)
      .join("\n"),
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--no-check",
      "--config",
      `${ROOT}deno.json`,
      script,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(script);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
});
