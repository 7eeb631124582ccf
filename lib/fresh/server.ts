/**
 * The server half of the Fresh 1.x API, as `$fresh/server.ts`: `start`,
 * `createHandler`, the `define*` helpers and the types of routes, layouts,
 * middlewares and plugins.
 */
export { createHandler } from "./handler.ts";
// Beyond Fresh 1.7: a response whose bytes the server writes without a
// stream, and one it may give again to the next plain GET of the same URL.
export { fixedCopy, fixedFor, fixedResponse } from "./fixed_response.ts";
export { repeatable } from "./repeat_answers.ts";
export { runShutdownHooks, sharedConnectionBuffer, start } from "./start.ts";
export {
  defineApp,
  defineConfig,
  defineLayout,
  defineRoute,
} from "./defines.ts";
export { RenderContext } from "./render_context.ts";
export { Status } from "./status.ts";
export type * from "./types.ts";
