/** When `wait` is done, and with which exit code. */
import { FINAL_STATUSES, type Status } from "../domain/statuses.ts";
import { EXIT } from "./exit_codes.ts";

/**
 * The exit code once the task is in `status`, or undefined to keep waiting.
 * Without `until`: `Terminée` 0, `Échec` 1. With `until`: that status 0; if
 * `until` is final, the other final status 1; anything else keeps waiting.
 */
export function waitVerdict(
  status: Status,
  until?: Status,
): typeof EXIT.ok | typeof EXIT.failed | undefined {
  if (until === undefined) {
    if (status === "Terminée") return EXIT.ok;
    if (status === "Échec") return EXIT.failed;
    return undefined;
  }
  if (status === until) return EXIT.ok;
  if (FINAL_STATUSES.includes(until) && FINAL_STATUSES.includes(status)) {
    return EXIT.failed;
  }
  return undefined;
}
