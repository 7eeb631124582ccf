import assert from "node:assert/strict";
import * as palette from "@twind/preset-tailwind/colors";
import { STATUSES } from "../../lib/domain/statuses.ts";
import {
  faviconHref,
  pageTitle,
  STATUS_LOOKS,
} from "../../lib/ui/status_look.ts";
import { INDICATOR_PILLS } from "../../components/ConnectionIndicator.tsx";

type Rgb = [number, number, number];

function hex(value: string): Rgb {
  const n = Number.parseInt(value.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function colour(token: string): Rgb {
  const match = token.match(/^([a-z]+)-(\d+)$/);
  assert.ok(match, `not a palette colour: ${token}`);
  const shades =
    (palette as unknown as Record<string, Record<string, string>>)[match[1]];
  assert.ok(shades?.[match[2]], `unknown colour ${token}`);
  return hex(shades[match[2]]);
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The text and background colours a class list gives in one scheme. */
function pair(classes: string, scheme: "light" | "dark"): [Rgb, Rgb] {
  const prefix = scheme === "dark" ? "dark:" : "";
  const find = (kind: string) => {
    const token = classes.split(/\s+/).find((c) =>
      c.startsWith(`${prefix}${kind}-`) && !c.slice(prefix.length).includes(":")
    );
    assert.ok(token, `no ${prefix}${kind}- in "${classes}"`);
    return colour(token.slice(prefix.length + kind.length + 1));
  };
  return [find("text"), find("bg")];
}

Deno.test("status text has a contrast of at least 4.5:1, light and dark", () => {
  for (const status of STATUSES) {
    const look = STATUS_LOOKS[status];
    for (const classes of [look.badge, look.pressed]) {
      for (const scheme of ["light", "dark"] as const) {
        const ratio = contrast(...pair(classes, scheme));
        assert.ok(ratio >= 4.5, `${status} ${scheme}: ${ratio.toFixed(2)}:1`);
      }
    }
  }
});

Deno.test("connection indicator text has a contrast of at least 4.5:1, light and dark", () => {
  for (const [kind, classes] of Object.entries(INDICATOR_PILLS)) {
    for (const scheme of ["light", "dark"] as const) {
      const ratio = contrast(...pair(classes, scheme));
      assert.ok(ratio >= 4.5, `${kind} ${scheme}: ${ratio.toFixed(2)}:1`);
    }
  }
});

Deno.test("every status has its own icon and favicon colour", () => {
  const icons = new Set(STATUSES.map((s) => STATUS_LOOKS[s].icon));
  const colours = new Set(STATUSES.map((s) => STATUS_LOOKS[s].favicon));
  assert.equal(icons.size, STATUSES.length);
  assert.equal(colours.size, STATUSES.length);
});

Deno.test("the title carries the status", () => {
  assert.equal(pageTitle("En cours"), "● En cours — Statut de la tâche");
});

Deno.test("the favicon is an SVG data URL in the status colour", () => {
  for (const status of STATUSES) {
    const href = faviconHref(status);
    assert.ok(href.startsWith("data:image/svg+xml,"));
    const svg = decodeURIComponent(href.slice("data:image/svg+xml,".length));
    assert.ok(svg.startsWith("<svg"));
    assert.ok(svg.includes(`fill="${STATUS_LOOKS[status].favicon}"`));
  }
});
