/** The command line as a user or a script runs it: a subprocess against a real server. */
import assert from "node:assert/strict";
import { startApp, waitFor } from "../support/server.ts";
import { heldPolls, setStatus } from "../client/server_calls.ts";

const ROOT = new URL("../../", import.meta.url);
const TOKEN = "cli-token";
/** Nothing from the caller's environment leaks in; times print in UTC. */
const BASE_ENV = { NO_COLOR: "1", TZ: "UTC", STATUS_URL: "", ADMIN_TOKEN: "" };
const UNREACHABLE = "http://127.0.0.1:1";

function command(args: string[], env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "lib/cli/main.ts", ...args],
    cwd: ROOT,
    env: { ...BASE_ENV, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs the CLI to its end. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const out = await command(args, env).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** Starts the CLI in the background, collecting its output lines as they come. */
function spawn(args: string[], env: Record<string, string> = {}) {
  const child = command(args, env).spawn();
  const out: string[] = [];
  const err: string[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>, lines: string[]) => {
    let rest = "";
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      rest += decoder.decode(chunk, { stream: true });
      const parts = rest.split("\n");
      rest = parts.pop()!;
      lines.push(...parts);
    }
    if (rest) lines.push(rest);
  };
  const pumps = Promise.all([pump(child.stdout, out), pump(child.stderr, err)]);
  return {
    out,
    err,
    async finished() {
      const status = await child.status;
      await pumps;
      return status.code;
    },
    async kill(signal: Deno.Signal) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
      const status = await child.status;
      await pumps;
      return status.code;
    },
  };
}

function oneLine(text: string): string {
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${text}`);
  return lines[0];
}

/** `HH:MM:SS` in UTC of an ISO time. */
function clock(iso: string): string {
  return iso.slice(11, 19);
}

Deno.test("command line usage errors and help", async (t) => {
  await t.step("an unknown command exits 2 with one line", async () => {
    const run = await cli(["frobnicate"]);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.equal(
      oneLine(run.stderr),
      "status-cli: unknown command 'frobnicate' (try 'status-cli --help')",
    );
  });
  await t.step("a bad flag exits 2 with one line", async () => {
    const run = await cli(["status", "--verbose"]);
    assert.equal(run.code, 2);
    assert.match(
      oneLine(run.stderr),
      /unknown option '--verbose' for 'status'/,
    );
  });
  await t.step("an unknown status exits 2 and lists the four", async () => {
    const run = await cli(["set", "fini"]);
    assert.equal(run.code, 2);
    assert.equal(
      oneLine(run.stderr),
      `status-cli: unknown status 'fini': one of "En attente", "En cours", "Terminée", "Échec"`,
    );
  });
  await t.step("a bad duration exits 2", async () => {
    const run = await cli(["wait", "--timeout", "soon"]);
    assert.equal(run.code, 2);
    assert.match(oneLine(run.stderr), /--timeout must be a duration/);
  });
  await t.step(
    "--help works on every command and lists the exit codes",
    async () => {
      const main = await cli(["--help"]);
      assert.equal(main.code, 0);
      assert.match(main.stdout, /Exit codes:/);
      assert.match(main.stdout, /124 {2}wait: --timeout ran out/);
      for (const name of ["status", "set", "watch", "wait"]) {
        const run = await cli([name, "--help"]);
        assert.equal(run.code, 0, name);
        assert.match(
          run.stdout,
          new RegExp(`^Usage: status-cli ${name}`),
          name,
        );
        assert.equal(run.stderr, "");
      }
    },
  );
});

Deno.test("command line against an unreachable server", async (t) => {
  for (
    const args of [["status"], ["set", "echec"], ["watch"], [
      "wait",
      "--timeout",
      "1m",
    ]]
  ) {
    await t.step(`${args[0]} exits 5 with one line`, async () => {
      const run = await cli(args, { STATUS_URL: UNREACHABLE });
      assert.equal(run.code, 5);
      assert.equal(run.stdout, "");
      assert.match(
        oneLine(run.stderr),
        /^status-cli: cannot reach http:\/\/127\.0\.0\.1:1: /,
      );
    });
  }
});

Deno.test("command line status and set", async (t) => {
  const app = await startApp({ env: { ADMIN_TOKEN: TOKEN } });
  const env = { STATUS_URL: app.url };
  try {
    await t.step("status prints the state on one line", async () => {
      const run = await cli(["status"], env);
      assert.equal(run.code, 0);
      assert.match(
        oneLine(run.stdout),
        /^En attente \(version 0, since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)$/,
      );
    });

    await t.step("status --json prints the server's state", async () => {
      const run = await cli(["status", "--json", "--url", app.url], {
        STATUS_URL: UNREACHABLE,
      });
      assert.equal(run.code, 0);
      const state = JSON.parse(run.stdout);
      const truth = await (await fetch(`${app.url}/get-status`)).json();
      assert.deepEqual(state, truth);
    });

    await t.step(
      "set maps a forgiving name and prints the result",
      async () => {
        const run = await cli(["set", "en-cours"], {
          ...env,
          ADMIN_TOKEN: TOKEN,
        });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(
          oneLine(run.stdout),
          "En cours (version 1): Statut mis à jour avec succès",
        );
      },
    );

    await t.step(
      "set the same status succeeds and changes nothing",
      async () => {
        const run = await cli(
          ["set", "EN COURS", "--token", TOKEN, "--json"],
          env,
        );
        assert.equal(run.code, 0);
        const answer = JSON.parse(run.stdout);
        assert.equal(answer.message, "Statut inchangé");
        assert.equal(answer.version, 1);
      },
    );

    await t.step("set without the token exits 4 with one line", async () => {
      const run = await cli(["set", "terminee"], env);
      assert.equal(run.code, 4);
      assert.match(
        oneLine(run.stderr),
        /^status-cli: unauthorized: .*ADMIN_TOKEN/,
      );
    });

    await t.step("set with a wrong token exits 4", async () => {
      const run = await cli(["set", "terminee", "--token", "wrong"], {
        ...env,
        ADMIN_TOKEN: TOKEN,
      });
      assert.equal(run.code, 4);
    });

    await t.step(
      "set --expect-version exits 3 on conflict and changes nothing",
      async () => {
        const run = await cli(["set", "echec", "--expect-version", "0"], {
          ...env,
          ADMIN_TOKEN: TOKEN,
        });
        assert.equal(run.code, 3);
        assert.match(
          oneLine(run.stderr),
          /^status-cli: conflict: .*\(now En cours, version 1\)$/,
        );
        const state = await (await fetch(`${app.url}/get-status`)).json();
        assert.equal(state.status, "En cours");
      },
    );

    await t.step(
      "set --expect-version with the current version succeeds",
      async () => {
        const run = await cli(["set", "terminée", "--expect-version", "1"], {
          ...env,
          ADMIN_TOKEN: TOKEN,
        });
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /^Terminée \(version 2\)/);
      },
    );
  } finally {
    await app.stop();
  }
});

Deno.test("command line wait", async (t) => {
  const app = await startApp();
  const env = { STATUS_URL: app.url };
  try {
    await t.step(
      "returns 124 with one line when the timeout runs out",
      async () => {
        await setStatus(app.url, "En cours");
        const started = Date.now();
        const run = await cli(["wait", "--timeout", "1s"], env);
        assert.equal(run.code, 124);
        assert.ok(Date.now() - started >= 1000);
        assert.equal(
          oneLine(run.stderr),
          "status-cli: timed out after 1 s waiting for Terminée or Échec; still En cours (version 1)",
        );
      },
    );

    await t.step("blocks until Terminée, then exits 0", async () => {
      const waiting = spawn(["wait"], env);
      await waitFor(
        async () => (await heldPolls(app.url)) === 1,
        10_000,
        "wait to hold a poll",
      );
      const answer = await setStatus(app.url, "Terminée");
      assert.equal(await waiting.finished(), 0);
      assert.match(
        waiting.out.join("\n"),
        new RegExp(`^Terminée \\(version ${answer.version},`),
      );
    });

    await t.step("returns at once when the task is final already", async () => {
      const run = await cli(["wait", "--json"], env);
      assert.equal(run.code, 0);
      assert.equal(JSON.parse(run.stdout).status, "Terminée");
    });

    await t.step("blocks until Échec, then exits 1", async () => {
      await setStatus(app.url, "En cours");
      const waiting = spawn(["wait", "--timeout", "1m"], env);
      await waitFor(
        async () => (await heldPolls(app.url)) === 1,
        10_000,
        "wait to hold a poll",
      );
      await setStatus(app.url, "Échec");
      assert.equal(await waiting.finished(), 1);
    });

    await t.step(
      "catches a final status that was left again at once",
      async () => {
        await setStatus(app.url, "En cours");
        const waiting = spawn(["wait"], env);
        await waitFor(
          async () => (await heldPolls(app.url)) === 1,
          10_000,
          "wait to hold a poll",
        );
        await setStatus(app.url, "Terminée");
        await setStatus(app.url, "En cours");
        assert.equal(await waiting.finished(), 0);
      },
    );

    await t.step("--until waits for that status", async () => {
      await setStatus(app.url, "En attente");
      const waiting = spawn(["wait", "--until", "en cours"], env);
      await waitFor(
        async () => (await heldPolls(app.url)) === 1,
        10_000,
        "wait to hold a poll",
      );
      assert.equal(waiting.out.length, 0);
      await setStatus(app.url, "En cours");
      assert.equal(await waiting.finished(), 0);
      assert.match(waiting.out.join("\n"), /^En cours \(version/);
    });

    await t.step("SIGINT stops it with 130 and no noise", async () => {
      const waiting = spawn(["wait"], env);
      await waitFor(
        async () => (await heldPolls(app.url)) === 1,
        10_000,
        "wait to hold a poll",
      );
      assert.equal(await waiting.kill("SIGINT"), 130);
      assert.deepEqual(waiting.err, []);
    });
  } finally {
    await app.stop();
  }
});

Deno.test("command line watch prints changes made by another client and survives a restart", async () => {
  let app = await startApp();
  const watching = spawn(["watch"], { STATUS_URL: app.url });
  try {
    await waitFor(() => watching.out.length === 1, 10_000, "the first line");
    const initial = await (await fetch(`${app.url}/get-status`)).json();
    assert.equal(watching.out[0], `${clock(initial.updatedAt)} v0 En attente`);

    const first = await setStatus(app.url, "En cours") as unknown as {
      updatedAt: string;
    };
    const second = await setStatus(app.url, "Terminée") as unknown as {
      updatedAt: string;
    };
    await waitFor(() => watching.out.length === 3, 5000, "two change lines");
    assert.deepEqual(watching.out.slice(1), [
      `${clock(first.updatedAt)} v1 En attente → En cours`,
      `${clock(second.updatedAt)} v2 En cours → Terminée`,
    ]);

    const port = app.port;
    await app.stop();
    await waitFor(
      () => watching.err.some((l) => l.includes("connection lost")),
      10_000,
      "the loss to be reported",
    );
    app = await startApp({ env: { PORT: String(port) } });
    await waitFor(() => watching.out.length === 5, 15_000, "the resync lines");
    assert.match(
      watching.out[3],
      /^\d\d:\d\d:\d\d resync: the server restarted with fresh data$/,
    );
    assert.match(watching.out[4], /^\d\d:\d\d:\d\d v0 En attente$/);
    assert.ok(
      watching.err.some((l) => l.startsWith("status-cli: reconnected")),
    );

    await setStatus(app.url, "Échec");
    await waitFor(
      () => watching.out.length === 6,
      5000,
      "the change after the restart",
    );
    assert.match(watching.out[5], /^\d\d:\d\d:\d\d v1 En attente → Échec$/);

    assert.equal(await watching.kill("SIGINT"), 130);
  } finally {
    await watching.kill("SIGKILL");
    await app.stop();
  }
});

Deno.test("command line watch --json prints one event per line", async () => {
  const app = await startApp();
  const watching = spawn(["watch", "--json"], { STATUS_URL: app.url });
  try {
    await waitFor(() => watching.out.length === 1, 10_000, "the first line");
    await setStatus(app.url, "En cours");
    await waitFor(() => watching.out.length === 2, 5000, "the change line");
    const events = watching.out.map((line) => JSON.parse(line));
    assert.equal(events[0].type, "snapshot");
    assert.equal(events[0].state.status, "En attente");
    assert.equal(events[1].type, "change");
    assert.equal(events[1].from, "En attente");
    assert.equal(events[1].to, "En cours");
    assert.equal(events[1].version, 1);
  } finally {
    await watching.kill("SIGTERM");
    await app.stop();
  }
});
