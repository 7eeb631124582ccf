import { fileURLToPath } from "node:url";

/**
 * Development only: the source lines around where `error` was thrown (the
 * first frame of its stack in a local file), the line marked with ">";
 * undefined when there is no such frame.
 */
export async function codeFrame(error: unknown): Promise<string | undefined> {
  if (!(error instanceof Error) || !error.stack) return undefined;
  const frame = error.stack.match(/(file:\/\/[^\s)]+):(\d+):(\d+)/);
  if (!frame) return undefined;
  const [, url, lineText, columnText] = frame;
  let source: string;
  try {
    source = await Deno.readTextFile(fileURLToPath(url));
  } catch {
    return undefined;
  }
  const lines = source.split("\n");
  const line = Number(lineText);
  const first = Math.max(line - 3, 1);
  const last = Math.min(line + 2, lines.length);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const mark = n === line ? ">" : " ";
    out.push(`${mark} ${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line) {
      out.push(
        `  ${" ".repeat(width)} | ${" ".repeat(Number(columnText) - 1)}^`,
      );
    }
  }
  return out.join("\n");
}
