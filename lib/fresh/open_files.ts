/**
 * The process's open-file limit and how many files it has open: every
 * connection is one, so they bound how many connections it may hold.
 */

/** Reads the soft open-file limit from Linux's /proc; undefined elsewhere or unlimited. */
export function readOpenFileLimit(): number | undefined {
  try {
    const limits = Deno.readTextFileSync("/proc/self/limits");
    const match = limits.match(/^Max open files\s+(\d+|unlimited)/m);
    return match && match[1] !== "unlimited" ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Counts the process's open descriptors from Linux's /proc; undefined elsewhere. */
export function countOpenFiles(): number | undefined {
  try {
    let count = 0;
    for (const _ of Deno.readDirSync("/proc/self/fd")) count++;
    // The directory being read holds one descriptor itself.
    return count - 1;
  } catch {
    return undefined;
  }
}
