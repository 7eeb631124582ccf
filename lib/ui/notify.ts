/**
 * "Me prévenir": a viewer who asked is told when the task reaches a final
 * status while the tab is hidden, by a notification where the browser
 * grants them, else by a sound and the tab's title.
 */
import type { Status } from "../domain/statuses.ts";
import { isFinal } from "./status_look.ts";

/** How the viewer is told. */
export type NotifyWay = "notification" | "sound";

/** The way to tell, given the Notification API's permission (undefined where there is none). */
export function notifyWay(
  permission: NotificationPermission | undefined,
): NotifyWay {
  return permission === "granted" ? "notification" : "sound";
}

/** True when a change from `before` to `after` must be told to a viewer who asked and cannot see the tab. */
export function shouldNotify(
  before: Status,
  after: Status,
  armed: boolean,
  hidden: boolean,
): boolean {
  return armed && hidden && before !== after && isFinal(after);
}

/** The title of a hidden tab that has news: it stands out in the tab strip. */
export function alertTitle(status: Status, name: string): string {
  return `(!) ${status} — ${name}`;
}

/** What the notification says. */
export function notificationText(
  status: Status,
  name: string,
): { title: string; body: string } {
  return {
    title: `${name} : ${status}`,
    body: status === "Terminée"
      ? "La tâche s'est terminée avec succès."
      : "La tâche s'est arrêtée sur une erreur.",
  };
}
