import assert from "node:assert/strict";
import { parseCli } from "../../lib/cli/args.ts";

function command(argv: string[], env = {}) {
  const parsed = parseCli(argv, env);
  assert.equal(parsed.kind, "run", JSON.stringify(parsed));
  return parsed.kind === "run" ? parsed.command : undefined;
}

function usageOf(argv: string[], env = {}): string {
  const parsed = parseCli(argv, env);
  assert.equal(parsed.kind, "usage", JSON.stringify(parsed));
  const message = parsed.kind === "usage" ? parsed.message : "";
  assert.ok(!message.includes("\n"), "one line");
  return message;
}

Deno.test("command line parsing", async (t) => {
  await t.step(
    "status reads the URL from the flag, then STATUS_URL, then the default",
    () => {
      assert.deepEqual(command(["status"]), {
        name: "status",
        url: "http://127.0.0.1:3000",
        json: false,
      });
      assert.equal(
        command(["status"], { STATUS_URL: "http://h:1/" })?.url,
        "http://h:1",
      );
      assert.equal(
        command(["status", "--url", "http://h:2"], { STATUS_URL: "http://h:1" })
          ?.url,
        "http://h:2",
      );
      assert.equal(command(["--url=http://h:3", "status"])?.url, "http://h:3");
    },
  );

  await t.step("--json works on every command", () => {
    for (const name of ["status", "watch", "wait"]) {
      assert.equal(command([name, "--json"])?.json, true, name);
    }
    assert.equal(command(["set", "echec", "--json"])?.json, true);
  });

  await t.step("set maps a forgiving name to the exact status", () => {
    assert.deepEqual(command(["set", "en-cours"]), {
      name: "set",
      url: "http://127.0.0.1:3000",
      json: false,
      status: "En cours",
    });
    const set = command(["set", "en", "cours"]);
    assert.equal(set?.name === "set" && set.status, "En cours");
  });

  await t.step("set takes the token from the flag, then ADMIN_TOKEN", () => {
    const fromEnv = command(["set", "echec"], { ADMIN_TOKEN: "env" });
    assert.equal(fromEnv?.name === "set" && fromEnv.token, "env");
    const fromFlag = command(["set", "echec", "--token", "flag"], {
      ADMIN_TOKEN: "env",
    });
    assert.equal(fromFlag?.name === "set" && fromFlag.token, "flag");
  });

  await t.step("set --expect-version is a non-negative integer", () => {
    const set = command(["set", "terminee", "--expect-version", "7"]);
    assert.equal(set?.name === "set" && set.expectVersion, 7);
    assert.match(
      usageOf(["set", "terminee", "--expect-version", "x"]),
      /non-negative integer/,
    );
    assert.match(
      usageOf(["set", "terminee", "--expect-version", "-1"]),
      /non-negative integer/,
    );
  });

  await t.step("an unknown status lists the four", () => {
    assert.equal(
      usageOf(["set", "done"]),
      `unknown status 'done': one of "En attente", "En cours", "Terminée", "Échec"`,
    );
    assert.match(usageOf(["set"]), /missing status: one of "En attente"/);
  });

  await t.step("wait reads --until and --timeout", () => {
    assert.deepEqual(
      command(["wait", "--until", "en cours", "--timeout", "10m"]),
      {
        name: "wait",
        url: "http://127.0.0.1:3000",
        json: false,
        until: "En cours",
        timeoutMs: 600_000,
      },
    );
    assert.match(
      usageOf(["wait", "--timeout", "soon"]),
      /--timeout must be a duration/,
    );
    assert.match(
      usageOf(["wait", "--until", "later"]),
      /unknown status 'later' for --until/,
    );
  });

  await t.step("usage errors are one clear line", () => {
    assert.equal(usageOf([]), "missing command (try 'status-cli --help')");
    assert.equal(
      usageOf(["frob"]),
      "unknown command 'frob' (try 'status-cli --help')",
    );
    assert.equal(
      usageOf(["status", "--frob"]),
      "unknown option '--frob' for 'status' (try 'status-cli status --help')",
    );
    assert.match(
      usageOf(["status", "--until", "echec"]),
      /unknown option '--until' for 'status'/,
    );
    assert.equal(usageOf(["status", "--url"]), "option '--url' needs a value");
    assert.equal(
      usageOf(["watch", "--json=yes"]),
      "option '--json' takes no value",
    );
    assert.match(usageOf(["status", "now"]), /takes no argument/);
    assert.match(
      usageOf(["status", "--url", "ftp://h"]),
      /invalid server URL 'ftp:\/\/h'/,
    );
    assert.match(
      usageOf(["status"], { STATUS_URL: "nope" }),
      /invalid server URL 'nope'/,
    );
  });

  await t.step("--help and help COMMAND give each command's help", () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const parsed = parseCli(argv);
      assert.equal(parsed.kind, "help");
      assert.match(parsed.kind === "help" ? parsed.text : "", /Commands:/);
    }
    for (const name of ["status", "set", "watch", "wait"]) {
      for (
        const argv of [[name, "--help"], ["help", name], [
          name,
          "-h",
          "--url",
          "x",
        ]]
      ) {
        const parsed = parseCli(argv);
        assert.equal(parsed.kind, "help", argv.join(" "));
        assert.match(
          parsed.kind === "help" ? parsed.text : "",
          new RegExp(`^Usage: status-cli ${name}`),
        );
      }
    }
  });

  await t.step("the help lists the exit codes", () => {
    const parsed = parseCli(["--help"]);
    const text = parsed.kind === "help" ? parsed.text : "";
    for (const code of ["0", "1", "2", "3", "4", "5", "124", "130"]) {
      assert.match(text, new RegExp(`^  ${code} `, "m"), code);
    }
  });
});
