/**
 * True when `stamp` was committed after `seen` (null: nothing seen yet).
 * Versionstamps are fixed-width hex strings that only grow, so text order is
 * commit order.
 */
export function isNewerStamp(stamp: string, seen: string | null): boolean {
  return seen === null || stamp > seen;
}
