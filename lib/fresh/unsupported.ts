/**
 * How the core stops an app at start: an error whose message is one line
 * naming what is wrong and where, printed as that one line (its stack is the
 * message alone, so an uncaught one shows no trace).
 */
export class StartError extends Error {
  override name = "StartError";
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

/** Something Fresh 1.7 supports and this core does not. */
export class UnsupportedError extends StartError {
  override name = "UnsupportedError";
}

/** An `UnsupportedError` for `feature` used in `where` (a file or a plugin). */
export function unsupported(feature: string, where: string): UnsupportedError {
  return new UnsupportedError(
    `${where}: ${feature} is not supported by this Fresh core`,
  );
}
