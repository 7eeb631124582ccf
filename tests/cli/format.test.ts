import assert from "node:assert/strict";
import { StatusApiError } from "../../lib/client/errors.ts";
import {
  describeError,
  failure,
  formatClock,
  formatReconnecting,
  formatState,
  formatUpdate,
  formatWatchJson,
  formatWatchLine,
} from "../../lib/cli/format.ts";
import type { TaskState } from "../../lib/domain/task_state.ts";

const state: TaskState = {
  status: "En cours",
  version: 3,
  epoch: "e",
  updatedAt: "2025-01-02T13:04:05.000Z",
};
const now = new Date("2025-01-02T14:00:00.000Z");

Deno.test("output formatting", async (t) => {
  await t.step(
    "times are HH:MM:SS in the given (by default local) zone",
    () => {
      assert.equal(formatClock(state.updatedAt, "UTC"), "13:04:05");
      assert.equal(formatClock(state.updatedAt, "Europe/Paris"), "14:04:05");
      assert.equal(formatClock("2025-01-02T00:00:01Z", "UTC"), "00:00:01");
    },
  );

  await t.step("status prints the state on one line", () => {
    assert.equal(
      formatState(state, "UTC"),
      "En cours (version 3, since 2025-01-02 13:04:05)",
    );
  });

  await t.step("set prints the new state and the server's message", () => {
    assert.equal(
      formatUpdate({ ...state, message: "Statut mis à jour avec succès" }),
      "En cours (version 3): Statut mis à jour avec succès",
    );
  });

  await t.step("watch prints a change as time, version, from → to", () => {
    assert.equal(
      formatWatchLine(
        {
          type: "change",
          from: "En attente",
          to: "En cours",
          version: 3,
          at: state.updatedAt,
          state,
        },
        now,
        "UTC",
      ),
      "13:04:05 v3 En attente → En cours",
    );
    assert.equal(
      formatWatchLine({ type: "snapshot", state }, now, "UTC"),
      "13:04:05 v3 En cours",
    );
  });

  await t.step("watch says when changes were lost and when it resyncs", () => {
    assert.equal(
      formatWatchLine(
        { type: "truncated", afterVersion: 3, missed: 5 },
        now,
        "UTC",
      ),
      "14:00:00 (5 changes not kept by the server: versions 4–8)",
    );
    assert.equal(
      formatWatchLine(
        {
          type: "reset",
          reason: "epoch",
          previous: state,
          state: { ...state, version: 0, epoch: "f" },
        },
        now,
        "UTC",
      ),
      "14:00:00 resync: the server restarted with fresh data",
    );
  });

  await t.step("watch --json prints each event as one JSON line", () => {
    const line = formatWatchJson({ type: "snapshot", state });
    assert.deepEqual(JSON.parse(line), { type: "snapshot", state });
    assert.ok(!line.includes("\n"));
  });

  await t.step("a retry line says why, when and which attempt", () => {
    assert.equal(
      formatReconnecting({
        type: "reconnecting",
        attempt: 2,
        delayMs: 1234,
        error: new StatusApiError(503, "too many waiters", {}),
      }),
      "connection lost (HTTP 503: too many waiters); retrying in 1.2 s (attempt 2)",
    );
  });

  await t.step("a fetch failure is described by its innermost cause", () => {
    const error = new TypeError("fetch failed", {
      cause: new Error(
        "error sending request for url (http://h/x): client error (Connect): tcp connect error: Connection refused (os error 111)",
      ),
    });
    assert.equal(describeError(error), "Connection refused");
  });

  await t.step("failures map to distinct exit codes with one line each", () => {
    const url = "http://h:1";
    assert.deepEqual(
      failure(new StatusApiError(401, "token required", {}), url),
      {
        message:
          "unauthorized: token required (set ADMIN_TOKEN or pass --token)",
        code: 4,
      },
    );
    assert.deepEqual(
      failure(
        new StatusApiError(403, "updates from 10.0.0.2 are refused", {}),
        url,
      ),
      {
        message:
          "forbidden: updates from 10.0.0.2 are refused (the server needs ADMIN_TOKEN set to take updates from here)",
        code: 4,
      },
    );
    assert.deepEqual(
      failure(
        new StatusApiError(409, "version mismatch", {
          status: "Terminée",
          version: 9,
        }),
        url,
      ),
      {
        message: "conflict: version mismatch (now Terminée, version 9)",
        code: 3,
      },
    );
    assert.deepEqual(failure(new StatusApiError(500, "boom", {}), url), {
      message: "server error from http://h:1: HTTP 500: boom",
      code: 5,
    });
    assert.deepEqual(failure(new TypeError("fetch failed"), url), {
      message: "cannot reach http://h:1: fetch failed",
      code: 5,
    });
  });
});
