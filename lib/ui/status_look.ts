/**
 * How each status looks. Every class name is a whole string literal so that
 * the styles of classes the page only adds in the browser are generated too.
 */
import type { Status } from "../domain/statuses.ts";

/** The icon drawn next to a status. */
export type StatusIcon = "clock" | "spinner" | "check" | "cross";

/** Classes and colours of one status. */
export interface StatusLook {
  icon: StatusIcon;
  /** Badge: background, text and ring, light and dark. */
  badge: string;
  /** A small solid dot of the status colour (decorative). */
  dot: string;
  /** The thin band at the top of the card. */
  band: string;
  /** The admin button of this status when it is the current one. */
  pressed: string;
  /** Colour of the favicon, which is drawn on any tab background. */
  favicon: string;
  /** A few words on what the status means, for the page. */
  caption: string;
}

/** The look of every status. */
export const STATUS_LOOKS: Readonly<Record<Status, StatusLook>> = {
  "En attente": {
    icon: "clock",
    badge:
      "bg-amber-100 text-amber-900 ring-amber-300 dark:bg-amber-900 dark:text-amber-100 dark:ring-amber-700",
    dot: "bg-amber-500",
    band: "from-amber-400 to-orange-500",
    pressed:
      "bg-amber-100 text-amber-900 ring-amber-400 dark:bg-amber-900 dark:text-amber-100 dark:ring-amber-600",
    favicon: "#d97706",
    caption: "La tâche n'a pas encore commencé.",
  },
  "En cours": {
    icon: "spinner",
    badge:
      "bg-blue-100 text-blue-800 ring-blue-300 dark:bg-blue-900 dark:text-blue-100 dark:ring-blue-700",
    dot: "bg-blue-500",
    band: "from-sky-400 to-blue-600",
    pressed:
      "bg-blue-100 text-blue-800 ring-blue-400 dark:bg-blue-900 dark:text-blue-100 dark:ring-blue-600",
    favicon: "#2563eb",
    caption: "La tâche est en train de tourner.",
  },
  "Terminée": {
    icon: "check",
    badge:
      "bg-emerald-100 text-emerald-800 ring-emerald-300 dark:bg-emerald-900 dark:text-emerald-100 dark:ring-emerald-700",
    dot: "bg-emerald-500",
    band: "from-emerald-400 to-green-600",
    pressed:
      "bg-emerald-100 text-emerald-800 ring-emerald-400 dark:bg-emerald-900 dark:text-emerald-100 dark:ring-emerald-600",
    favicon: "#16a34a",
    caption: "La tâche s'est terminée avec succès.",
  },
  "Échec": {
    icon: "cross",
    badge:
      "bg-red-100 text-red-800 ring-red-300 dark:bg-red-900 dark:text-red-100 dark:ring-red-700",
    dot: "bg-red-500",
    band: "from-rose-400 to-red-600",
    pressed:
      "bg-red-100 text-red-800 ring-red-400 dark:bg-red-900 dark:text-red-100 dark:ring-red-600",
    favicon: "#dc2626",
    caption: "La tâche s'est arrêtée sur une erreur.",
  },
};

/** The page title for `status`, so that a background tab shows it. */
export function pageTitle(status: Status): string {
  return `● ${status} — Statut de la tâche`;
}

/** A `data:` URL of an SVG favicon: a disc in the colour of `status`. */
export function faviconHref(status: Status): string {
  const colour = STATUS_LOOKS[status].favicon;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="${colour}"/><circle cx="16" cy="16" r="6" fill="#fff" fill-opacity=".9"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
