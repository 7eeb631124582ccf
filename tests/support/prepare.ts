/**
 * Run by `deno task test` before the tests: makes sure the programs some
 * tests need (Chromium, redis-server, cc) are there. As root with apt-get (a
 * fresh Debian machine, CI) it installs the missing ones from Debian and
 * says so; otherwise, or with TEST_NO_INSTALL=1, it names what is missing
 * and how to install it, once, and the tests that need it are skipped
 * (failed in CI). It never fails the run for a missing program.
 */
import {
  explainMissing,
  locate,
  onPath,
  preparePlan,
  type Requirement,
  REQUIREMENTS,
} from "./requirements.ts";

/** Runs apt-get quietly; resolves with what it wrote to stderr when it fails. */
async function aptGet(args: string[]): Promise<string | undefined> {
  const out = await new Deno.Command("apt-get", {
    args,
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (out.success) return undefined;
  return new TextDecoder().decode(out.stderr).trim() ||
    `apt-get ${args[0]} exited with ${out.code}`;
}

async function install(packages: string[]): Promise<void> {
  console.log(
    `Installing what the tests need, from Debian: ${
      packages.join(" ")
    } (apt-get; set TEST_NO_INSTALL=1 to skip this)`,
  );
  const failure = await aptGet(["update", "-qq"]) ??
    await aptGet(["install", "-y", "-qq", ...packages]);
  if (failure !== undefined) {
    console.error(
      `apt-get failed:\n${failure.split("\n").slice(-5).join("\n")}`,
    );
  }
}

const missing = (): Requirement[] =>
  REQUIREMENTS.filter((requirement) => locate(requirement) === undefined);

if (import.meta.main) {
  const plan = preparePlan(missing(), {
    root: Deno.uid() === 0,
    aptGet: onPath("apt-get") !== undefined,
    allowed: Deno.env.get("TEST_NO_INSTALL") !== "1",
  });
  if (plan.install.length > 0) await install(plan.install);
  // What is still missing now, installed or not, is named once.
  const still = missing();
  if (still.length > 0) console.error(explainMissing(still));
}
