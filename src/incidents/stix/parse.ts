// Bounded parsing of untrusted STIX JSON: size, nesting depth and object count are checked
// before and after JSON.parse, so a hostile envelope costs linear time and bounded memory.
import { jsonDepth, MlsecError } from "../../core/index.js";
import type { StixBundle, StixObject } from "./types.js";

export interface ParseLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxObjects: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxBytes: 32 * 1024 * 1024,
  maxDepth: 32,
  maxObjects: 100_000,
};

/** Parses JSON text (or bytes) within the limits; malformed input is E_STIX_FORMAT. */
export function parseJsonBounded(input: string | Uint8Array, limits: ParseLimits): unknown {
  const size = typeof input === "string" ? Buffer.byteLength(input) : input.byteLength;
  if (size > limits.maxBytes) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `STIX input is ${size} bytes, over ${limits.maxBytes}`,
      {
        details: { bytes: size, limit: limits.maxBytes },
      },
    );
  }
  const text = typeof input === "string" ? input : Buffer.from(input).toString("utf8");
  const depth = jsonDepth(text, limits.maxDepth);
  if (depth > limits.maxDepth) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `STIX JSON nests deeper than ${limits.maxDepth} levels`,
      {
        details: { limit: limits.maxDepth },
      },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new MlsecError("E_STIX_FORMAT", `not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

const ID =
  /^([a-z0-9][a-z0-9-]{0,248}[a-z0-9]|[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// STIX 2.1 §3.2 timestamps: RFC 3339, UTC ("Z"), optional fractional seconds.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Why an object is not acceptable STIX 2.1 (the common-property rules of §3), or undefined. */
export function objectProblem(value: unknown, scoTypes: ReadonlySet<string>): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return "not a JSON object";
  const o = value as Record<string, unknown>;
  if (typeof o.type !== "string" || !/^[a-z0-9-]{3,250}$/.test(o.type))
    return "bad or missing type";
  if (typeof o.id !== "string" || !ID.test(o.id)) return "bad or missing id";
  if (!o.id.startsWith(`${o.type}--`)) return "id prefix does not match type";
  if (o.type === "bundle") return "nested bundle";
  if (o.spec_version !== undefined && o.spec_version !== "2.1") return "spec_version is not 2.1";
  if (!scoTypes.has(o.type) && o.type !== "marking-definition") {
    if (typeof o.created !== "string" || !TIMESTAMP.test(o.created))
      return "bad or missing created";
    if (typeof o.modified !== "string" || !TIMESTAMP.test(o.modified))
      return "bad or missing modified";
    if (Date.parse(o.modified) < Date.parse(o.created)) return "modified is before created";
  }
  if (o.object_marking_refs !== undefined) {
    if (
      !Array.isArray(o.object_marking_refs) ||
      o.object_marking_refs.some((r) => typeof r !== "string")
    ) {
      return "object_marking_refs is not a list of IDs";
    }
  }
  return undefined;
}

/** Parses a bundle envelope: shape and count only; objects are checked one by one later. */
export function parseBundle(input: string | Uint8Array, limits = DEFAULT_PARSE_LIMITS): StixBundle {
  const value = parseJsonBounded(input, limits);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new MlsecError("E_STIX_FORMAT", "a STIX bundle must be a JSON object");
  }
  const b = value as Record<string, unknown>;
  if (b.type !== "bundle")
    throw new MlsecError(
      "E_STIX_FORMAT",
      'the JSON object is not a bundle (type must be "bundle")',
    );
  if (typeof b.id !== "string" || !/^bundle--[0-9a-f-]{36}$/.test(b.id)) {
    throw new MlsecError("E_STIX_FORMAT", "the bundle has no valid id");
  }
  const objects = b.objects ?? [];
  if (!Array.isArray(objects))
    throw new MlsecError("E_STIX_FORMAT", "bundle.objects is not a list");
  if (objects.length > limits.maxObjects) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `the bundle holds ${objects.length} objects, over ${limits.maxObjects}`,
    );
  }
  return { type: "bundle", id: b.id, objects: objects as StixObject[] };
}
