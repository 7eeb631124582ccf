import assert from "node:assert/strict";
import * as palette from "@twind/preset-tailwind/colors";
import { STATUSES } from "../../lib/domain/statuses.ts";
import {
  FAVICON_COLOURS,
  faviconHref,
  isFinal,
  pageTitle,
  STATUS_ICONS,
} from "../../lib/ui/status_look.ts";
import { ON_TONE, paletteCss, STATUS_PALETTE } from "../../lib/ui/palette.ts";
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

Deno.test("status colours have a contrast of at least 4.5:1, light and dark", async (t) => {
  for (const status of STATUSES) {
    for (const scheme of ["light", "dark"] as const) {
      const tones = STATUS_PALETTE[status][scheme];
      await t.step(`${status}, ${scheme}`, () => {
        const pairs: [string, string, string][] = [
          ["white text on the status colour", ON_TONE, tones.tone],
          ["status-coloured text on a card", tones.ink, tones.surface],
          ["status-coloured text on the page", tones.ink, tones.soft],
        ];
        for (const [what, text, background] of pairs) {
          const ratio = contrast(hex(text), hex(background));
          assert.ok(ratio >= 4.5, `${what}: ${ratio.toFixed(2)}:1`);
        }
      });
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

Deno.test("every status has its own icon and colour", () => {
  const icons = new Set(STATUSES.map((s) => STATUS_ICONS[s]));
  const colours = new Set(STATUSES.map((s) => STATUS_PALETTE[s].light.tone));
  assert.equal(icons.size, STATUSES.length);
  assert.equal(colours.size, STATUSES.length);
});

Deno.test("the palette gives every status its variables, light and dark", () => {
  const css = paletteCss();
  for (const status of STATUSES) {
    const selector = `[data-tone=${status.replace(" ", "\\ ")}]`;
    assert.equal(css.split(selector).length - 1, 2, selector);
  }
  assert.match(css, /@media \(prefers-color-scheme:dark\)/);
  // The page escapes quotes in its <style>: the stylesheet needs none.
  assert.doesNotMatch(css, /["'<>&]/);
});

Deno.test("final statuses are Terminée and Échec", () => {
  assert.deepEqual(STATUSES.filter(isFinal), ["Terminée", "Échec"]);
});

Deno.test("the title carries the status and the task's name", () => {
  assert.equal(
    pageTitle("En cours", "Déploiement"),
    "● En cours — Déploiement",
  );
});

Deno.test("the favicon is an SVG data URL in the status colour", () => {
  for (const status of STATUSES) {
    const href = faviconHref(status);
    assert.ok(href.startsWith("data:image/svg+xml,"));
    const svg = decodeURIComponent(href.slice("data:image/svg+xml,".length));
    assert.ok(svg.startsWith("<svg"));
    // The tab shows the status colour of the page.
    assert.equal(FAVICON_COLOURS[status], STATUS_PALETTE[status].light.tone);
    assert.ok(svg.includes(`fill="${FAVICON_COLOURS[status]}"`));
  }
});
