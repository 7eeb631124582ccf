/**
 * How each status looks in the browser: its icon, the tab's title and
 * favicon. Its colours are in palette.ts, written once into the page's
 * stylesheet: an element takes a status's colours by carrying its name in
 * `data-tone`, so the page's colour follows the status without a class per
 * status in the browser's code.
 */
import { FINAL_STATUSES, type Status } from "../domain/statuses.ts";

/** The icon drawn next to a status. */
export type StatusIcon = "clock" | "spinner" | "check" | "cross";

/** The icon of every status. */
export const STATUS_ICONS: Readonly<Record<Status, StatusIcon>> = {
  "En attente": "clock",
  "En cours": "spinner",
  "Terminée": "check",
  "Échec": "cross",
};

/** The favicon's colour for each status: the status colour of the light palette. */
export const FAVICON_COLOURS: Readonly<Record<Status, string>> = {
  "En attente": "#b45309",
  "En cours": "#1d4ed8",
  "Terminée": "#15803d",
  "Échec": "#b91c1c",
};

/** True for a status after which the task does not run any more. */
export function isFinal(status: Status): boolean {
  return FINAL_STATUSES.includes(status);
}

/** The page title for `status`, so that a background tab shows it: `● En cours — Déploiement`. */
export function pageTitle(status: Status, name: string): string {
  return `● ${status} — ${name}`;
}

/** A `data:` URL of an SVG favicon: a disc in the colour of `status`. */
export function faviconHref(status: Status): string {
  const colour = FAVICON_COLOURS[status];
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="${colour}"/><circle cx="16" cy="16" r="6" fill="#fff" fill-opacity=".9"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
