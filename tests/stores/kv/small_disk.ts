/**
 * A small disk for tests that must fill one up: a tmpfs mounted on a fresh
 * folder. Mounting needs root (as in CI); elsewhere such tests are skipped
 * with a message saying why, except in CI, where they fail.
 */

/** A mounted tmpfs. */
export interface SmallDisk {
  /** The folder the tmpfs is mounted on. */
  path: string;
  /** Writes a file until the disk is full (no space left even for a byte). */
  fill(): Promise<void>;
  /** Removes what `fill` wrote. */
  free(): Promise<void>;
  /** Unmounts and removes the folder. */
  dispose(): Promise<void>;
}

async function run(
  command: string,
  args: string[],
): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(command, {
      args,
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).output();
    if (out.success) return undefined;
    return new TextDecoder().decode(out.stderr).trim() ||
      `${command} exited with ${out.code}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Mounts a tmpfs of `kib` KiB on a fresh folder; throws saying why it could not. */
export async function mountSmallDisk(kib = 2_048): Promise<SmallDisk> {
  const path = await Deno.makeTempDir({ prefix: "small_disk_" });
  const failed = await run("mount", [
    "-t",
    "tmpfs",
    "-o",
    `size=${kib}k`,
    "tmpfs",
    path,
  ]);
  if (failed !== undefined) {
    await Deno.remove(path, { recursive: true });
    throw new Error(`mount -t tmpfs failed: ${failed}`);
  }
  const filler = `${path}/filler`;
  return {
    path,
    async fill() {
      const file = await Deno.open(filler, { write: true, create: true });
      try {
        for (const size of [64 * 1024, 4 * 1024, 1]) {
          const chunk = new Uint8Array(size);
          try {
            for (;;) await file.write(chunk);
          } catch (error) {
            if (!/no space left/i.test(String(error))) throw error;
          }
        }
      } finally {
        file.close();
      }
    },
    async free() {
      await Deno.remove(filler);
    },
    async dispose() {
      // Lazily, should the app under test still hold a file open.
      if ((await run("umount", [path])) !== undefined) {
        await run("umount", ["-l", path]);
      }
      await Deno.remove(path, { recursive: true });
    },
  };
}

/** Why a small disk cannot be mounted here, or undefined when it can. */
export async function smallDiskUnavailable(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return "tmpfs needs Linux";
  if (Deno.uid() !== 0) return "mounting a tmpfs needs root";
  try {
    await (await mountSmallDisk(64)).dispose();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Registers a test that needs a small disk: skipped with a loud message
 * naming why when none can be mounted, except in CI (`CI=true`), where
 * that fails the test.
 */
export function smallDiskTest(
  name: string,
  unavailable: string | undefined,
  fn: (t: Deno.TestContext, disk: SmallDisk) => Promise<void>,
): void {
  const inCi = Deno.env.get("CI") === "true";
  if (unavailable !== undefined && !inCi) {
    console.error(
      `\n!!! SKIPPED "${name}": it needs a small tmpfs disk, and ${unavailable}; run the tests as root on Linux to include it (in CI it fails) !!!\n`,
    );
  }
  Deno.test({
    name,
    ignore: unavailable !== undefined && !inCi,
    async fn(t) {
      if (unavailable !== undefined) {
        throw new Error(`this test needs a small tmpfs disk: ${unavailable}`);
      }
      const disk = await mountSmallDisk();
      try {
        await fn(t, disk);
      } finally {
        await disk.dispose();
      }
    },
  });
}
