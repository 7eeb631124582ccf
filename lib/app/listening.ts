import { type AppConfig, updateAccessLine } from "./config.ts";

/**
 * What the app prints once it listens: where, then who may update. Printed
 * only then, so that a start that fails says one line, its error.
 *
 * @example
 * ```ts
 * listeningLines({ transport: "tcp", hostname: "::1", port: 8000 }, config);
 * // "Listening on http://[::1]:8000/\nupdates: loopback only (set ADMIN_TOKEN to allow others)"
 * ```
 */
export function listeningLines(addr: Deno.NetAddr, config: AppConfig): string {
  const host = addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  return `Listening on http://${host}:${addr.port}/\n${
    updateAccessLine(config)
  }`;
}
