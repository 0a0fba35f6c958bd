// Anonymization operators (after Presidio's anonymizer operators: redact, replace, mask, hash,
// encrypt, keep) plus format-preserving pseudonyms. Hashing is keyed: HMAC-SHA-256 (RFC 2104) —
// a bare hash of a phone number or SSN is reversed by enumerating the few possible values.

import { createHmac } from "node:crypto";
import { z } from "zod";
import { MlsecError, schemaIssueLines } from "../../core/index.js";
import { ENTITY_TYPES } from "../types.js";
import { encryptDeterministic } from "./deterministic-encryption.js";
import type { PiiKeys } from "./keys.js";
import { pseudonymize } from "./pseudonym.js";

export const operatorSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("redact") }).strict(),
  z.object({ type: z.literal("replace"), value: z.string().max(1000).optional() }).strict(),
  z
    .object({
      type: z.literal("mask"),
      char: z.string().min(1).max(4).optional(),
      count: z.number().int().min(0).max(1_000_000).optional(),
      fromEnd: z.boolean().optional(),
    })
    .strict(),
  z
    .object({ type: z.literal("hash"), length: z.number().int().min(8).max(64).optional() })
    .strict(),
  z.object({ type: z.literal("encrypt") }).strict(),
  z.object({ type: z.literal("pseudonym") }).strict(),
  z.object({ type: z.literal("keep") }).strict(),
]);

export type Operator = z.infer<typeof operatorSchema>;

export const anonymizerConfigSchema = z
  .object({
    default: operatorSchema.optional(),
    entities: z.partialRecord(z.enum(ENTITY_TYPES), operatorSchema).optional(),
  })
  .strict();

export type AnonymizerConfig = z.infer<typeof anonymizerConfigSchema>;

/** Validates a parsed YAML/JSON operator configuration. */
export function parseAnonymizerConfig(value: unknown): AnonymizerConfig {
  const r = anonymizerConfigSchema.safeParse(value ?? {});
  if (!r.success) {
    const issues = schemaIssueLines(r.error.issues);
    throw new MlsecError("E_PII_CONFIG", `invalid anonymizer configuration: ${issues.join("; ")}`, {
      details: { issues },
    });
  }
  return r.data;
}

export function needsKey(op: Operator): boolean {
  return op.type === "hash" || op.type === "encrypt" || op.type === "pseudonym";
}

/** The encrypt operator's token; `deanonymize` finds and reverses these. */
export const ENCRYPTED_TOKEN = /<enc:([A-Z_]{1,40}):([A-Za-z0-9_-]{38,11000})>/g;

export function applyOperator(
  op: Operator,
  type: string,
  value: string,
  keys: PiiKeys | undefined,
): string {
  if (needsKey(op) && keys === undefined) {
    throw new MlsecError("E_PII_KEY", `the ${op.type} operator needs a key`, {
      hint: "Pass --key-file with at least 16 random bytes (e.g. `openssl rand -hex 32 > pii.key`).",
    });
  }
  switch (op.type) {
    case "redact":
      return "";
    case "replace":
      return op.value ?? `<${type}>`;
    case "keep":
      return value;
    case "mask": {
      const chars = Array.from(value);
      const n = Math.min(op.count ?? chars.length, chars.length);
      const char = op.char ?? "*";
      const fromEnd = op.fromEnd ?? false;
      for (let k = 0; k < n; k++) chars[fromEnd ? chars.length - 1 - k : k] = char;
      return chars.join("");
    }
    case "hash":
      return createHmac("sha256", keys!.hash)
        .update(value, "utf8")
        .digest("hex")
        .slice(0, op.length ?? 64);
    case "encrypt": {
      const sealed = encryptDeterministic(keys!.encrypt, keys!.nonce, type, value);
      return `<enc:${type}:${sealed.toString("base64url")}>`;
    }
    case "pseudonym":
      return pseudonymize(keys!.pseudonym, type, value);
  }
}
