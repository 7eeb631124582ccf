import { type ComponentChildren, Fragment, h, type VNode } from "preact";

/** The props of {@link Partial}. */
export interface PartialProps {
  /** Unique on the page: client navigation swaps partials by name. */
  name: string;
  /** What navigation does with new content: replace (default), append or prepend. */
  mode?: "replace" | "append" | "prepend";
  children?: ComponentChildren;
}

const MODES = ["replace", "append", "prepend"];

// h() for a Fragment that preact-render-to-string writes as a comment.
const comment = (text: string) =>
  h(Fragment, { UNSTABLE_comment: text } as Record<string, unknown>);

/**
 * An area of the page that client navigation (`f-client-nav`) updates from
 * the server without reloading the page. Rendered between two comments.
 */
export function Partial(props: PartialProps): VNode {
  const mode = props.mode ?? "replace";
  if (!MODES.includes(mode)) {
    throw new TypeError(
      `<Partial name="${props.name}">: unknown mode "${mode}" (replace, append or prepend)`,
    );
  }
  return h(
    Fragment,
    null,
    comment(`frsh-partial:${mode}:${props.name}`),
    props.children,
    comment(`/frsh-partial:${props.name}`),
  );
}
