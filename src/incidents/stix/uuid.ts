// Name-based UUIDs (version 5, SHA-1), RFC 9562 §5.5; STIX 2.1 §2.9 and §3.4 identifiers.
import { createHash } from "node:crypto";

/** STIX 2.1 §2.9: the namespace for deterministic cyber-observable (SCO) identifiers. */
export const STIX_SCO_NAMESPACE = "00abedb4-aa42-466c-9c01-fed23315a9b7";
/**
 * mlsec's own namespace for deterministic SDO/SRO identifiers (STIX 2.1 §2.9 allows UUIDv5
 * for them if the namespace is not the SCO one). Random, fixed forever.
 */
export const MLSEC_NAMESPACE = "6f3e2a1c-84d7-4b0e-9a51-2c7d0e4f8b93";

export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (ns.length !== 16) throw new TypeError(`not a UUID: ${namespace}`);
  const bytes = createHash("sha1")
    .update(ns)
    .update(Buffer.from(name, "utf8"))
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A deterministic SDO/SRO identifier: `<type>--uuidv5(mlsec, type + "|" + key)`. */
export function stableId(type: string, key: string): string {
  return `${type}--${uuidV5(MLSEC_NAMESPACE, `${type}|${key}`)}`;
}

/**
 * JSON Canonicalization Scheme (RFC 8785) for the values SCO ID-contributing properties hold
 * here: strings and objects of strings (sorted keys, JSON string escaping). Numbers are not
 * needed by the SCOs mlsec emits and are rejected rather than serialised approximately.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`canonicalJson: unsupported value ${String(value)}`);
}

/** STIX 2.1 §3.4: hash algorithms in the order one is chosen for a file's deterministic ID. */
const HASH_PREFERENCE = ["MD5", "SHA-1", "SHA-256", "SHA-512"];

/**
 * The deterministic identifier of an SCO from its ID-contributing properties (STIX 2.1 §2.9):
 * UUIDv5 in the SCO namespace over the canonical JSON of those properties. For `hashes`, only
 * one hash contributes: the first of MD5, SHA-1, SHA-256, SHA-512 present.
 */
export function scoId(type: string, contributing: Record<string, unknown>): string {
  const props: Record<string, unknown> = { ...contributing };
  const hashes = props.hashes as Record<string, string> | undefined;
  if (hashes) {
    const pick =
      HASH_PREFERENCE.find((h) => hashes[h] !== undefined) ?? Object.keys(hashes).sort()[0];
    props.hashes = pick === undefined ? undefined : { [pick]: hashes[pick] };
  }
  return `${type}--${uuidV5(STIX_SCO_NAMESPACE, canonicalJson(props))}`;
}
