import type { StatusIcon } from "../lib/ui/status_look.ts";

interface IconProps {
  class?: string;
}

const SVG_PROPS = {
  viewBox: "0 0 24 24",
  fill: "none",
  stroke: "currentColor",
  "stroke-width": 2,
  "stroke-linecap": "round",
  "stroke-linejoin": "round",
  "aria-hidden": "true",
  focusable: "false",
} as const;

/** A clock: waiting. */
export function ClockIcon(props: IconProps) {
  return (
    <svg {...SVG_PROPS} class={props.class}>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3 2" />
    </svg>
  );
}

/** Two arrows in a circle: running (spins unless the reader asked for less motion). */
export function SpinnerIcon(props: IconProps) {
  return (
    <svg {...SVG_PROPS} class={props.class}>
      <path d="M21 12a9 9 0 1 1-3-6.7" />
      <path d="M21 4v5h-5" />
    </svg>
  );
}

/** A tick: done. */
export function CheckIcon(props: IconProps) {
  return (
    <svg {...SVG_PROPS} class={props.class}>
      <circle cx="12" cy="12" r="9" />
      <path d="m8 12 3 3 5-6" />
    </svg>
  );
}

/** A cross: failed. */
export function CrossIcon(props: IconProps) {
  return (
    <svg {...SVG_PROPS} class={props.class}>
      <circle cx="12" cy="12" r="9" />
      <path d="m9 9 6 6M15 9l-6 6" />
    </svg>
  );
}

/** A padlock, for the admin token. */
export function LockIcon(props: IconProps) {
  return (
    <svg {...SVG_PROPS} class={props.class}>
      <rect x="5" y="11" width="14" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </svg>
  );
}

/** A box with an arrow: a link that leaves the page. */
export function ExternalIcon(props: IconProps) {
  return (
    <svg {...SVG_PROPS} class={props.class}>
      <path d="M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5" />
    </svg>
  );
}

/** A bell, for "me prévenir". */
export function BellIcon(props: IconProps) {
  return (
    <svg {...SVG_PROPS} class={props.class}>
      <path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4" />
    </svg>
  );
}

/** The icon of a status. */
export function StatusGlyph(props: IconProps & { icon: StatusIcon }) {
  switch (props.icon) {
    case "clock":
      return <ClockIcon class={props.class} />;
    case "spinner":
      return <SpinnerIcon class={props.class} />;
    case "check":
      return <CheckIcon class={props.class} />;
    case "cross":
      return <CrossIcon class={props.class} />;
  }
}
