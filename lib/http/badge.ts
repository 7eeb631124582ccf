/** The status badge (`/badge.svg`, `/tasks/{id}/badge.svg`): a small SVG in the shields.io style. */
import type { StatusService } from "../app/status_service.ts";
import type { Status } from "../domain/statuses.ts";
import { DEFAULT_TASK } from "../domain/task_id.ts";
import type { TaskState } from "../domain/task_state.ts";
import type { StoredIdentity } from "../domain/task_identity.ts";
import { etagMatches, taskIdentity } from "./get_status.ts";
import { stateEtag } from "./responses.ts";
import { storeUnavailable } from "./store_errors.ts";

/** The message side's colour of each status (readable under white text). */
export const BADGE_COLOURS: Readonly<Record<Status, string>> = {
  "En attente": "#b45309",
  "En cours": "#1d4ed8",
  "Terminée": "#15803d",
  "Échec": "#b91c1c",
};

const LABEL_COLOUR = "#555";
/** Longest label drawn, in characters; a longer name is cut with "…". */
const MAX_LABEL_CHARS = 40;

/** Roughly how wide `text` is in 11 px Verdana, the badges' font, in pixels. */
export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    if (/[iljI.,:;'|!]/.test(char)) width += 3.5;
    else if (/[mwMW@]/.test(char)) width += 10;
    else if (/[A-ZÉÈÀ]/.test(char)) width += 7.5;
    else if (char === " ") width += 3.9;
    else width += 6.6;
  }
  return Math.ceil(width);
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** A flat two-part badge: `label` on grey, `message` on `colour`; its title says both. */
export function badgeSvg(
  label: string,
  message: string,
  colour: string,
): string {
  const shown = [...label].length > MAX_LABEL_CHARS
    ? [...label].slice(0, MAX_LABEL_CHARS - 1).join("") + "…"
    : label;
  const left = textWidth(shown) + 12;
  const right = textWidth(message) + 12;
  const total = left + right;
  const title = escapeXml(`${label}: ${message}`);
  const l = escapeXml(shown);
  const m = escapeXml(message);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="20" role="img" aria-label="${title}">` +
    `<title>${title}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${total}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${left}" height="20" fill="${LABEL_COLOUR}"/>` +
    `<rect x="${left}" width="${right}" height="20" fill="${colour}"/>` +
    `<rect width="${total}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">` +
    `<text x="${
      left / 2
    }" y="15" fill="#010101" fill-opacity=".3">${l}</text>` +
    `<text x="${left / 2}" y="14">${l}</text>` +
    `<text x="${
      left + right / 2
    }" y="15" fill="#010101" fill-opacity=".3">${m}</text>` +
    `<text x="${left + right / 2}" y="14">${m}</text></g></svg>`;
}

/**
 * Answers `GET /badge.svg` (`taskId` defaults to `default`) and
 * `GET /tasks/{id}/badge.svg`: the task's name and status, with the
 * state's ETag; 304 when `If-None-Match` names it. `no-cache`: caches keep
 * it but ask each time, so a changed status shows at once.
 */
export function answerBadge(
  request: Request,
  service: StatusService,
  taskId: string = DEFAULT_TASK,
): Response | Promise<Response> {
  const hub = service.store.hubs.peek(taskId);
  if (hub !== undefined) {
    return badgeResponse(request, service, taskId, hub.state, hub.identity);
  }
  return service.store.read(taskId).then(
    ({ record }) =>
      badgeResponse(request, service, taskId, record.state, record.identity),
    storeUnavailable,
  );
}

function badgeResponse(
  request: Request,
  service: StatusService,
  taskId: string,
  state: TaskState,
  stored: StoredIdentity | undefined,
): Response {
  const etag = stateEtag(state);
  const headers = {
    etag,
    "cache-control": "no-cache",
    "x-status-version": String(state.version),
  };
  if (etagMatches(request, etag)) {
    return new Response(null, { status: 304, headers });
  }
  const { name } = taskIdentity(service, taskId, stored);
  return new Response(
    badgeSvg(name, state.status, BADGE_COLOURS[state.status]),
    {
      headers: { ...headers, "content-type": "image/svg+xml; charset=utf-8" },
    },
  );
}
