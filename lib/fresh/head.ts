import type { ComponentChildren } from "preact";

/** Where `<Head>` children go while a page renders on the server (null otherwise). */
export const headSlot: { current: ComponentChildren[] | null } = {
  current: null,
};

/** The props of {@link Head}. */
export interface HeadProps {
  children?: ComponentChildren;
}

/**
 * Moves its children into the page's `<head>` (server render only). Among
 * `<Head>` children, the last `<title>` wins and so does the last element
 * of each `key`.
 */
export function Head(props: HeadProps): null {
  headSlot.current?.push(props.children);
  return null;
}
