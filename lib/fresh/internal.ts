/**
 * State shared by the server and the browser runtime within one process (or
 * page). Not public API.
 */
export const internal = {
  /** Appended to `asset()` URLs; set once the build is known. */
  buildId: "",
  /** `router.basePath`, prefixed to `asset()` paths ("" at the root). */
  basePath: "",
  /** Set by `dev()` so that `start()` ignores a stale `_fresh/` build. */
  dev: false,
};
