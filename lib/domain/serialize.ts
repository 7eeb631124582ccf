/** The one place a value becomes a JSON body. */
export function serialize(value: unknown): string {
  return JSON.stringify(value);
}
