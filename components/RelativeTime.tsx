import { timeAgo } from "../lib/ui/format.ts";

/** "il y a 3 min" for the ISO time `iso`, seen from `now` (ms since the epoch). */
export function RelativeTime(props: { iso: string; now: number }) {
  return (
    <time dateTime={props.iso}>
      {timeAgo(Date.parse(props.iso), props.now)}
    </time>
  );
}
