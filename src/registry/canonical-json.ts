// JSON Canonicalization Scheme (RFC 8785) for the values the audit log records: objects with
// keys sorted by UTF-16 code units (§3.2.3), no whitespace, strings and numbers serialised as
// ECMAScript JSON.stringify does (§3.2.2, which RFC 8785 adopts for both).
import { MlsecError } from "../core/index.js";

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** The RFC 8785 canonical form of `value`; throws on values JSON cannot carry (NaN, undefined). */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    // §3.2.2.3: NaN and Infinity have no JSON form; -0 serialises as 0 (JSON.stringify does so).
    if (!Number.isFinite(value)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `cannot canonicalise the number ${value}`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(",")}]`;
  if (typeof value === "object") {
    const obj = value as { readonly [key: string]: JsonValue };
    // Default sort compares UTF-16 code units, which is what §3.2.3 asks for.
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k] as JsonValue)}`).join(",")}}`;
  }
  throw new MlsecError("E_INVALID_ARGUMENT", `cannot canonicalise a ${typeof value}`);
}
