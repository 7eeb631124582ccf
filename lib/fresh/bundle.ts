import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { listFiles } from "./walk.ts";

/** The browser code of an app's islands, as served under `/_frsh/js/<buildId>/`. */
export interface IslandBundle {
  /** Path (relative to the bundle root) of the hydration runtime. */
  runtime: string;
  /** Path of each island module's entry, by manifest key ("./islands/Counter.tsx"). */
  entries: Record<string, string>;
  /** Every file of the bundle (entries and shared chunks) by path. */
  files: Map<string, Uint8Array<ArrayBuffer>>;
}

/** Where `deno task build` writes, relative to the app directory. */
export const BUILD_DIR = "_fresh";
const META = "meta.json";

const RUNTIME = fileURLToPath(new URL("./client.ts", import.meta.url));

function commonDir(paths: string[]): string {
  let dir = dirname(paths[0]);
  while (dir !== dirname(dir) && !paths.every((p) => p.startsWith(dir + sep))) {
    dir = dirname(dir);
  }
  return dir;
}

// esbuild names each entry's output after its path relative to the entry
// points' common directory, with the extension swapped for ".js".
function outputPath(entry: string, outbase: string): string {
  return relative(outbase, entry).split(sep).join("/").replace(
    /\.[^./]+$/,
    ".js",
  );
}

/**
 * Bundles the hydration runtime and every island module of the app in
 * `appDir` for the browser: minified ESM, shared code split into chunks.
 */
export async function bundleIslands(
  appDir: string,
  islandKeys: string[],
): Promise<IslandBundle> {
  const islandPaths = islandKeys.map((k) => resolve(appDir, k));
  const entrypoints = [RUNTIME, ...islandPaths];
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
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const file of result.outputFiles ?? []) {
    const path = relative(outputDir, file.path).split(sep).join("/");
    files.set(path, file.contents ?? new TextEncoder().encode(file.text()));
  }
  const outbase = commonDir(entrypoints);
  const expect = (entry: string) => {
    const path = outputPath(entry, outbase);
    if (!files.has(path)) throw new Error(`bundle has no output for ${entry}`);
    return path;
  };
  return {
    runtime: expect(RUNTIME),
    entries: Object.fromEntries(
      islandKeys.map((k, i) => [k, expect(islandPaths[i])]),
    ),
    files,
  };
}

/** A build id derived from the bundle's content: same code, same id. */
export async function contentId(bundle: IslandBundle): Promise<string> {
  const parts = [...bundle.files].sort(([a], [b]) => a < b ? -1 : 1)
    .flatMap(([path, bytes]) => [new TextEncoder().encode(path), bytes]);
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** Writes the bundle and its build id into `<appDir>/_fresh/`, replacing any old build. */
export async function writeBuild(
  appDir: string,
  bundle: IslandBundle,
  buildId: string,
): Promise<void> {
  const root = join(appDir, BUILD_DIR);
  await Deno.remove(root, { recursive: true }).catch(() => {});
  for (const [path, bytes] of bundle.files) {
    await Deno.mkdir(dirname(join(root, "js", path)), { recursive: true });
    await Deno.writeFile(join(root, "js", path), bytes);
  }
  const meta = { buildId, runtime: bundle.runtime, entries: bundle.entries };
  await Deno.writeTextFile(join(root, META), JSON.stringify(meta, null, 2));
}

/**
 * Reads the build in `<appDir>/_fresh/`; null when there is none or it was
 * made for other islands than `islandKeys` (then the caller bundles anew).
 */
export async function readBuild(
  appDir: string,
  islandKeys: string[],
): Promise<{ bundle: IslandBundle; buildId: string } | null> {
  const root = join(appDir, BUILD_DIR);
  let meta: {
    buildId: string;
    runtime: string;
    entries: Record<string, string>;
  };
  try {
    meta = JSON.parse(await Deno.readTextFile(join(root, META)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const built = Object.keys(meta.entries).sort().join("\n");
  if (built !== [...islandKeys].sort().join("\n")) {
    console.error(
      `warning: ${BUILD_DIR}/ was built for other islands; ignoring it`,
    );
    return null;
  }
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const path of await listFiles(join(root, "js"))) {
    files.set(path, await Deno.readFile(join(root, "js", path)));
  }
  return {
    buildId: meta.buildId,
    bundle: { runtime: meta.runtime, entries: meta.entries, files },
  };
}
