/**
 * Island props as JSON, for the browser: JSON values, `Uint8Array`, Preact
 * signals, and the same object (or signal) reached twice or in a cycle,
 * which the browser gets back as one object. A signal passed to several
 * islands is one signal there too. Anything else is refused by name.
 *
 * Tagged values are objects with a "__f" key (see `deserialize.ts`):
 * s = signal, o = shared object, r = reference, u8 = bytes, j = JSX slot,
 * l = a literal object that has a "__f" key of its own.
 */
import { isValidElement } from "preact";

/** A prop that is rendered on the server and handed over as DOM (JSX). */
export const SLOT = Symbol("slot");

const SIGNAL = Symbol.for("preact-signals");

/** True for a Preact signal. */
export function isSignal(value: unknown): value is { peek(): unknown } {
  return typeof value === "object" && value !== null &&
    (value as { brand?: unknown }).brand === SIGNAL;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/** Thrown for a prop that cannot cross to the browser; the message names it. */
export class PropError extends TypeError {
  override name = "PropError";
}

function refuse(path: string, what: string): never {
  throw new PropError(
    `${path} cannot cross to the browser (${what}): island props must be JSON values, Uint8Array, signals or JSX`,
  );
}

/**
 * Encodes `values` (one entry per island, with `path` naming it in
 * messages) as one JSON text; objects shared between them stay shared.
 */
export function serializeProps(
  values: { path: string; value: unknown }[],
): string {
  const seen = new Map<object, number>();
  const count = (value: unknown, path: string): void => {
    if (value === SLOT) return;
    if (typeof value === "function") refuse(path, "a function");
    if (typeof value === "bigint") refuse(path, "a bigint");
    if (typeof value === "symbol") refuse(path, "a symbol");
    if (typeof value !== "object" || value === null) return;
    const times = seen.get(value) ?? 0;
    seen.set(value, times + 1);
    if (times > 0) return;
    if (isSignal(value)) return count(value.peek(), `${path}.value`);
    if (isValidElement(value)) refuse(path, "JSX nested inside a prop");
    if (value instanceof Uint8Array) return;
    if (Array.isArray(value)) {
      return value.forEach((v, i) => count(v, `${path}[${i}]`));
    }
    if (typeof (value as { toJSON?: unknown }).toJSON === "function") return;
    if (!isPlain(value)) refuse(path, `a ${value.constructor?.name} object`);
    for (const [k, v] of Object.entries(value)) count(v, `${path}.${k}`);
  };
  for (const { path, value } of values) count(value, path);

  const ids = new Map<object, number>();
  const encode = (value: unknown): unknown => {
    if (value === SLOT) return { __f: "j" };
    if (typeof value !== "object" || value === null) return value;
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === "function" && !isSignal(value)) {
      return toJSON.call(value);
    }
    const shared = (seen.get(value) ?? 0) > 1;
    const id = ids.get(value);
    if (id !== undefined) return { __f: "r", i: id };
    if (shared) ids.set(value, ids.size);
    const tag = shared ? { i: ids.get(value) } : {};
    if (isSignal(value)) return { __f: "s", ...tag, v: encode(value.peek()) };
    if (value instanceof Uint8Array) {
      return { __f: "u8", ...tag, d: base64(value) };
    }
    const body = Array.isArray(value) ? value.map(encode) : Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, encode(v)]),
    );
    if (shared) return { __f: "o", ...tag, v: body };
    return !Array.isArray(value) && "__f" in value
      ? { __f: "l", v: body }
      : body;
  };
  return JSON.stringify(values.map(({ value }) => encode(value)));
}
