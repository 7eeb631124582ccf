/**
 * The system programs some tests need (Chromium, redis-server, a C compiler): where they
 * are, which are missing, and what to do about it. `deno task test` runs
 * tests/support/prepare.ts first, which installs what is missing where it
 * can and otherwise says once what to install; the tests that need a missing
 * program are then ignored (by name, in Deno's report), except in CI
 * (CI=true), where they run and fail.
 *
 * ```ts
 * Deno.test("a store on a real Redis", needs(REDIS_SERVER), async () => {
 *   await withRedis(async (redis) => {});
 * });
 * ```
 */

/** A program some tests need, and how to get it. */
export interface Requirement {
  /** What people call it. */
  name: string;
  /** The environment variable that says where the program is. */
  envVar: string;
  /** Where it is when the variable is unset: an absolute path, or a name looked up on PATH. */
  fallback: string;
  /** The Debian package that installs it at `fallback`. */
  aptPackage: string;
  /** The tests that need it, for the skip line. */
  tests: string;
}

/** Headless browser tests drive Debian's Chromium, never a downloaded one. */
export const CHROMIUM: Requirement = {
  name: "Chromium",
  envVar: "CHROMIUM_PATH",
  fallback: "/usr/bin/chromium",
  aptPackage: "chromium",
  tests: "browser tests",
};

/** The Redis store's tests start private redis-server processes. */
export const REDIS_SERVER: Requirement = {
  name: "redis-server",
  envVar: "REDIS_SERVER_PATH",
  fallback: "redis-server",
  aptPackage: "redis-server",
  tests: "redis tests",
};

/** The benchmark's C load client is built by its test with the machine's compiler. */
export const C_COMPILER: Requirement = {
  name: "cc",
  envVar: "CC",
  fallback: "cc",
  aptPackage: "gcc",
  tests: "C load client tests",
};

/** Every program some test needs. */
export const REQUIREMENTS: readonly Requirement[] = [
  CHROMIUM,
  REDIS_SERVER,
  C_COMPILER,
];

/** Reads one environment variable. */
export type Env = (name: string) => string | undefined;

const processEnv: Env = (name) => Deno.env.get(name);

/** True when `path` is a file this process may execute. */
export function isExecutable(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The program to run for `requirement`: the variable's value, or the fallback. */
export function programOf(
  requirement: Requirement,
  env: Env = processEnv,
): string {
  return env(requirement.envVar) || requirement.fallback;
}

/**
 * Where `requirement`'s program is (a name is looked up on PATH), or
 * undefined when it is missing.
 */
export function locate(
  requirement: Requirement,
  env: Env = processEnv,
  executable: (path: string) => boolean = isExecutable,
): string | undefined {
  const program = programOf(requirement, env);
  if (program.includes("/")) return executable(program) ? program : undefined;
  return onPath(program, env, executable);
}

/** Where `name` is on PATH, or undefined. */
export function onPath(
  name: string,
  env: Env = processEnv,
  executable: (path: string) => boolean = isExecutable,
): string | undefined {
  for (const dir of (env("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    const path = `${dir}/${name}`;
    if (executable(path)) return path;
  }
  return undefined;
}

/** Where a missing program was looked for, in words ("at /usr/bin/chromium", "on PATH"). */
export function whereLooked(
  requirement: Requirement,
  env: Env = processEnv,
): string {
  const program = programOf(requirement, env);
  const place = program.includes("/")
    ? `at ${program}`
    : program === requirement.name
    ? "on PATH"
    : `${program} on PATH`;
  return env(requirement.envVar) ? `${place} (${requirement.envVar})` : place;
}

/** True in CI, where nothing may be skipped. */
export function inCi(env: Env = processEnv): boolean {
  return env("CI") === "true";
}

const announced = new Set<string>();

/**
 * Test options for a test that needs `requirement`: ignored when it is
 * missing (with one loud line per test file), except in CI, where the test
 * runs and fails on the missing program.
 */
export function needs(requirement: Requirement): { ignore: boolean } {
  if (locate(requirement) !== undefined || inCi()) return { ignore: false };
  if (!announced.has(requirement.name)) {
    announced.add(requirement.name);
    console.error(
      `\n!!! ${requirement.tests.toUpperCase()} SKIPPED: no ${requirement.name} ${
        whereLooked(requirement)
      } !!!\n`,
    );
  }
  return { ignore: true };
}

/** What `deno task test` does about missing programs: install some, explain the others. */
export interface PreparePlan {
  /** Debian packages to install with apt-get. */
  install: string[];
  /** Missing programs to name, with how to install them. */
  explain: Requirement[];
}

/** What this machine allows: installing takes root and apt-get, and may be switched off. */
export interface InstallAbility {
  root: boolean;
  aptGet: boolean;
  /** False with TEST_NO_INSTALL=1. */
  allowed: boolean;
}

/**
 * Decides what to do about the `missing` programs. Only a program expected
 * where Debian puts it is installed: one that a variable points elsewhere is
 * the person's to provide.
 */
export function preparePlan(
  missing: readonly Requirement[],
  ability: InstallAbility,
  env: Env = processEnv,
): PreparePlan {
  const canInstall = ability.root && ability.aptGet && ability.allowed;
  const installable = (r: Requirement) => canInstall && !env(r.envVar);
  return {
    install: missing.filter(installable).map((r) => r.aptPackage),
    explain: missing.filter((r) => !installable(r)),
  };
}

/** The one block that names what is missing, how to install it, and what is skipped meanwhile. */
export function explainMissing(
  missing: readonly Requirement[],
  env: Env = processEnv,
): string {
  const names = missing.map((r) => `${r.name} (${whereLooked(r, env)})`);
  const packages = missing.map((r) => r.aptPackage).join(" ");
  const variables = missing.map((r) => r.envVar).join(" or ");
  const skipped = missing.map((r) => r.tests).join(" and ");
  const outcome = inCi(env)
    ? `In CI (CI=true) the ${skipped} fail.`
    : `The ${skipped} are skipped: Deno lists them as "ignored".`;
  return [
    `!!! Missing for some tests: ${names.join(", ")}.`,
    `!!! Install with (Debian, Ubuntu): sudo apt-get install -y ${packages}`,
    `!!! (or set ${variables} to where it is). ${outcome}`,
  ].join("\n");
}
