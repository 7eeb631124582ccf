import type { ComponentChildren } from "preact";

/**
 * State shared by the server and the browser runtime within one process (or
 * page). Not public API.
 */
export const internal = {
  /** Appended to `asset()` URLs; set once the build is known. */
  buildId: "",
  /** Set by `dev()` so that `start()` ignores a stale `_fresh/` build. */
  dev: false,
  /** Collects `<Head>` children while a page renders on the server. */
  head: null as ComponentChildren[] | null,
};
