import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { listFiles } from "./walk.ts";

/** The browser code of an app's islands, as served under `/_frsh/js/<buildId>/`. */
export interface IslandBundle {
  buildId: string;
  /** Path (relative to the bundle root) of the hydration runtime. */
  runtime: string;
  /** Path of each island module's entry, by manifest key ("./islands/Counter.tsx"). */
  entries: Record<string, string>;
  /** Every file of the bundle (entries and shared chunks), by path. */
  files: Map<string, string>;
}

/** Where `deno task build` writes, relative to the app directory. */
export const BUILD_DIR = "_fresh";
const RUNTIME = fileURLToPath(new URL("./client.ts", import.meta.url));
const posix = (path: string) => path.split(sep).join("/");

/**
 * Bundles the hydration runtime and every island module of the app in
 * `appDir` for the browser: minified ESM, shared code split into chunks.
 */
export async function bundleIslands(
  appDir: string,
  islandKeys: string[],
  buildId: string,
): Promise<IslandBundle> {
  const islands = islandKeys.map((key) => resolve(appDir, key));
  const entrypoints = [RUNTIME, ...islands];
  const outputDir = join(appDir, BUILD_DIR, "js");
  const result = await Deno.bundle({
    entrypoints,
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
  const files = new Map(
    (result.outputFiles ?? []).map((f) => [
      posix(relative(outputDir, f.path)),
      f.text(),
    ]),
  );
  // esbuild names an entry's output after its path relative to the entries'
  // common directory, with the extension swapped for ".js".
  let outbase = dirname(RUNTIME);
  while (!islands.every((p) => p.startsWith(outbase + sep))) {
    if (outbase === dirname(outbase)) break;
    outbase = dirname(outbase);
  }
  const output = (entry: string) => {
    const path = posix(relative(outbase, entry)).replace(/\.[^./]+$/, ".js");
    if (!files.has(path)) throw new Error(`bundle has no output for ${entry}`);
    return path;
  };
  const entries = Object.fromEntries(
    islandKeys.map((key, i) => [key, output(islands[i])]),
  );
  return { buildId, runtime: output(RUNTIME), entries, files };
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

/** Writes the bundle into `<appDir>/_fresh/`, replacing any old build. */
export async function writeBuild(
  appDir: string,
  bundle: IslandBundle,
): Promise<void> {
  const root = join(appDir, BUILD_DIR);
  await Deno.remove(root, { recursive: true }).catch(() => {});
  for (const [path, text] of bundle.files) {
    await Deno.mkdir(dirname(join(root, "js", path)), { recursive: true });
    await Deno.writeTextFile(join(root, "js", path), text);
  }
  const { buildId, runtime, entries } = bundle;
  await Deno.writeTextFile(
    join(root, "meta.json"),
    JSON.stringify({ buildId, runtime, entries }, null, 2),
  );
}

/**
 * Reads the build in `<appDir>/_fresh/`; null when there is none, or when it
 * was made for other islands than `islandKeys` (then the caller bundles anew).
 */
export async function readBuild(
  appDir: string,
  islandKeys: string[],
): Promise<IslandBundle | null> {
  const root = join(appDir, BUILD_DIR);
  const meta = await Deno.readTextFile(join(root, "meta.json")).catch(
    (error) => {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    },
  );
  if (meta === null) return null;
  const { buildId, runtime, entries } = JSON.parse(meta);
  if (Object.keys(entries).sort().join() !== [...islandKeys].sort().join()) {
    console.error(
      `warning: ${BUILD_DIR}/ was built for other islands; ignoring it`,
    );
    return null;
  }
  const files = new Map<string, string>();
  for (const path of await listFiles(join(root, "js"))) {
    files.set(path, await Deno.readTextFile(join(root, "js", path)));
  }
  return { buildId, runtime, entries, files };
}
