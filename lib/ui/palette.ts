/**
 * The colours of each status, light and dark, as the page's stylesheet
 * carries them (CSS variables under `[data-tone=…]`). Server-side: the
 * browser's code only names a status in `data-tone`.
 */
import type { Status } from "../domain/statuses.ts";

/** The colours of one status in one colour scheme (`#rrggbb`). */
export interface Tones {
  /** Solid colour of the status: the big panel, bars, dots. White text sits on it. */
  tone: string;
  /** The page's background. */
  soft: string;
  /** Text in the status colour, on `surface` (cards) and on `soft`. */
  ink: string;
  /** Cards on the page. */
  surface: string;
}

/** A status's colours in both schemes. */
export interface StatusPalette {
  light: Tones;
  dark: Tones;
  /** A light tint of the status, seen on any status colour (the run bar on the big panel). */
  glow: string;
}

/** White, the text on `tone`. */
export const ON_TONE = "#ffffff";

const DARK_SURFACE = "#1e293b";

/** The colours of every status. */
export const STATUS_PALETTE: Readonly<Record<Status, StatusPalette>> = {
  "En attente": {
    light: {
      tone: "#b45309",
      soft: "#fffbeb",
      ink: "#92400e",
      surface: "#ffffff",
    },
    dark: {
      tone: "#92400e",
      soft: "#1a1408",
      ink: "#fcd34d",
      surface: DARK_SURFACE,
    },
    glow: "#fcd34d",
  },
  "En cours": {
    light: {
      tone: "#1d4ed8",
      soft: "#eff6ff",
      ink: "#1e40af",
      surface: "#ffffff",
    },
    dark: {
      tone: "#1e40af",
      soft: "#0c1631",
      ink: "#93c5fd",
      surface: DARK_SURFACE,
    },
    glow: "#93c5fd",
  },
  "Terminée": {
    light: {
      tone: "#15803d",
      soft: "#f0fdf4",
      ink: "#166534",
      surface: "#ffffff",
    },
    dark: {
      tone: "#166534",
      soft: "#071a10",
      ink: "#86efac",
      surface: DARK_SURFACE,
    },
    glow: "#86efac",
  },
  "Échec": {
    light: {
      tone: "#b91c1c",
      soft: "#fef2f2",
      ink: "#991b1b",
      surface: "#ffffff",
    },
    dark: {
      tone: "#991b1b",
      soft: "#1f0b0b",
      ink: "#fca5a5",
      surface: DARK_SURFACE,
    },
    glow: "#fca5a5",
  },
};

function variables(tones: Tones, glow: string): string {
  return `--tone:${tones.tone};--soft:${tones.soft};--ink:${tones.ink};--glow:${glow}`;
}

/**
 * The stylesheet of the palette: `[data-tone="En cours"]` sets `--tone`,
 * `--soft`, `--ink` and `--glow` for the element and all inside it, light
 * and dark.
 */
export function paletteCss(): string {
  const rules = (scheme: "light" | "dark") =>
    Object.entries(STATUS_PALETTE).map(([status, look]) =>
      // An unquoted value (the page escapes quotes in its <style>): the
      // space is escaped instead, as CSS identifiers allow.
      `[data-tone=${status.replace(" ", "\\ ")}]{${
        variables(look[scheme], look.glow)
      }}`
    ).join("");
  return `${rules("light")}@media (prefers-color-scheme:dark){${
    rules("dark")
  }}`;
}
