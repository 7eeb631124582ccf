import { basename, dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { listFiles } from "./walk.ts";

/** A browser module to bundle: an island module, or a plugin's entrypoint. */
export interface BundleEntry {
  /** Its name in the build ("./islands/Counter.tsx", a plugin's URL...). */
  key: string;
  /** A file path, or a `data:` URL (served as is, not bundled). */
  path: string;
}

/** The browser code of an app, as served under `/_frsh/js/<buildId>/`. */
export interface IslandBundle {
  buildId: string;
  /** Path (relative to the bundle root) of each entry's module, by key. */
  entries: Record<string, string>;
  /** Every file of the bundle (entries and shared chunks), by path. */
  files: Map<string, string>;
}

/** The key of the hydration runtime among the entries. */
export const RUNTIME_KEY = "$runtime";
/** The key of client navigation (partials) among the entries. */
export const NAV_KEY = "$nav";

const RUNTIME = fileURLToPath(new URL("./client.ts", import.meta.url));
const NAV = fileURLToPath(new URL("./client_nav.ts", import.meta.url));
const posix = (path: string) => path.split(sep).join("/");

/** Every entry of an app's bundle: the runtime, client navigation and `entries`. */
export function allEntries(entries: BundleEntry[]): BundleEntry[] {
  return [
    { key: RUNTIME_KEY, path: RUNTIME },
    { key: NAV_KEY, path: NAV },
    ...entries,
  ];
}

function dataModule(url: string): string {
  const comma = url.indexOf(",");
  const body = url.slice(comma + 1);
  return /;base64$/.test(url.slice(0, comma))
    ? atob(body)
    : decodeURIComponent(body);
}

/**
 * Bundles the runtime and `entries` for the browser: minified ESM, shared
 * code split into chunks; `outputDir` only names the files.
 */
export async function bundleIslands(
  outputDir: string,
  entries: BundleEntry[],
  buildId: string,
): Promise<IslandBundle> {
  const all = allEntries(entries);
  const files = all.filter((e) => !e.path.startsWith("data:"));
  const result = await Deno.bundle({
    entrypoints: files.map((e) => e.path),
    outputDir,
    platform: "browser",
    format: "esm",
    codeSplitting: true,
    minify: true,
    write: false,
  });
  if (!result.success) {
    const messages = result.errors.map((e) =>
      e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text
    );
    throw new Error(`bundling islands failed:\n${messages.join("\n")}`);
  }
  const out = new Map(
    (result.outputFiles ?? []).map((f) => [
      posix(relative(outputDir, f.path)),
      f.text(),
    ]),
  );
  // esbuild names an entry's output after its path relative to the entries'
  // common directory, with the extension swapped for ".js".
  let outbase = dirname(RUNTIME);
  while (!files.every((e) => e.path.startsWith(outbase + sep))) {
    if (outbase === dirname(outbase)) break;
    outbase = dirname(outbase);
  }
  const paths: Record<string, string> = {};
  for (const entry of files) {
    const path = posix(relative(outbase, entry.path)).replace(
      /\.[^./]+$/,
      ".js",
    );
    if (!out.has(path)) {
      throw new Error(`bundle has no output for ${entry.key}`);
    }
    paths[entry.key] = path;
  }
  all.filter((e) => e.path.startsWith("data:")).forEach((e, i) => {
    paths[e.key] = `data-${i}.js`;
    out.set(`data-${i}.js`, dataModule(e.path));
  });
  return { buildId, entries: paths, files: out };
}

/** A build id derived from the bundle's content: same code, same id. */
export async function contentId(files: Map<string, string>): Promise<string> {
  const text = [...files].sort(([a], [b]) => a < b ? -1 : 1).flat().join("\0");
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return Array.from(
    new Uint8Array(digest).slice(0, 8),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/** Writes the bundle into `outDir` (`_fresh/`), replacing any old build. */
export async function writeBuild(
  outDir: string,
  bundle: IslandBundle,
): Promise<void> {
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  for (const [path, text] of bundle.files) {
    await Deno.mkdir(dirname(join(outDir, "js", path)), { recursive: true });
    await Deno.writeTextFile(join(outDir, "js", path), text);
  }
  const { buildId, entries } = bundle;
  await Deno.writeTextFile(
    join(outDir, "meta.json"),
    JSON.stringify({ buildId, entries }, null, 2),
  );
}

/**
 * Reads the build in `outDir`; null when there is none, or when it was made
 * for other entries than `entries` (then the caller bundles anew).
 */
export async function readBuild(
  outDir: string,
  entries: BundleEntry[],
): Promise<IslandBundle | null> {
  const meta = await Deno.readTextFile(join(outDir, "meta.json")).catch(
    (error) => {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    },
  );
  if (meta === null) return null;
  const { buildId, entries: paths } = JSON.parse(meta);
  const keys = allEntries(entries).map((e) => e.key).sort().join();
  if (Object.keys(paths ?? {}).sort().join() !== keys) {
    console.error(
      `warning: ${basename(outDir)}/ was built for other islands; ignoring it`,
    );
    return null;
  }
  const files = new Map<string, string>();
  for (const path of await listFiles(join(outDir, "js"))) {
    files.set(path, await Deno.readTextFile(join(outDir, "js", path)));
  }
  return { buildId, entries: paths, files };
}
