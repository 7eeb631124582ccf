import { join } from "node:path";

/** Every file under `root`, as sorted "/"-separated relative paths; [] when `root` is missing. */
export async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function visit(rel: string): Promise<void> {
    let entries: AsyncIterable<Deno.DirEntry>;
    try {
      entries = Deno.readDir(join(root, rel));
      for await (const entry of entries) {
        const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory) await visit(path);
        else if (entry.isFile) found.push(path);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  await visit("");
  return found.sort();
}
