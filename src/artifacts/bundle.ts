// Sigstore bundle v0.3 JSON (sigstore/protobuf-specs, dev.sigstore.bundle.v1.Bundle) as used by
// the OpenSSF model-signing format: a DSSE envelope plus public-key or X.509 material.
// Everything here is attacker-controlled until the signature is verified: size and nesting
// are bounded before JSON.parse, the shape is checked with zod.

import { z } from "zod";
import { jsonDepth, MlsecError } from "../core/index.js";

export const BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** Bounds for a signature file. */
export const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;
export const MAX_JSON_DEPTH = 64;

// Canonical base64 only: Buffer.from(s, "base64") skips stray characters and ignores the
// unused low bits of the last group, so a non-canonical string could alter the file without
// altering the decoded bytes. Requiring decode(encode) to round-trip closes that gap.
const base64 = z
  .string()
  .refine((s) => Buffer.from(s, "base64").toString("base64") === s, "not canonical base64");

const decimal = z.string().regex(/^\d{1,20}$/, "not a decimal integer");

// sigstore/protobuf-specs dev.sigstore.rekor.v1.TransparencyLogEntry (JSON names).
const tlogEntrySchema = z.strictObject({
  logIndex: decimal,
  logId: z.strictObject({ keyId: base64 }),
  kindVersion: z.strictObject({ kind: z.string(), version: z.string() }),
  integratedTime: decimal,
  inclusionPromise: z.strictObject({ signedEntryTimestamp: base64 }).optional(),
  inclusionProof: z
    .strictObject({
      logIndex: decimal,
      rootHash: base64,
      treeSize: decimal,
      hashes: z.array(base64).max(64),
      checkpoint: z.strictObject({ envelope: z.string().max(65_536) }),
    })
    .optional(),
  canonicalizedBody: base64,
});

// Strict objects: an unknown (e.g. altered) field name is an error, not silently ignored.
const envelopeSchema = z.strictObject({
  payload: base64,
  payloadType: z.string(),
  signatures: z
    .array(z.strictObject({ sig: base64, keyid: z.string().nullish() }))
    .min(1)
    .max(16),
});

const bundleSchema = z.strictObject({
  mediaType: z.string(),
  verificationMaterial: z.strictObject({
    publicKey: z
      .strictObject({
        hint: z.string().nullish(),
        rawBytes: base64.optional(),
        keyDetails: z.string().optional(),
      })
      .optional(),
    x509CertificateChain: z
      .strictObject({
        certificates: z
          .array(z.strictObject({ rawBytes: base64 }))
          .min(1)
          .max(16),
      })
      .optional(),
    certificate: z.strictObject({ rawBytes: base64 }).optional(),
    // Verified by @sigstore/verify for keyless bundles; the shape is pinned here so that an
    // altered field name cannot make it skip a field.
    tlogEntries: z.array(tlogEntrySchema).max(64).optional(),
    timestampVerificationData: z
      .strictObject({
        rfc3161Timestamps: z
          .array(z.strictObject({ signedTimestamp: base64 }))
          .max(16)
          .optional(),
      })
      .optional(),
  }),
  dsseEnvelope: envelopeSchema,
});

export type Bundle = z.infer<typeof bundleSchema>;
export type Envelope = z.infer<typeof envelopeSchema>;

/** Parses JSON text from an untrusted source with size and depth bounds. */
export function parseBoundedJson(bytes: Uint8Array, what: string, maxBytes: number): unknown {
  if (bytes.length > maxBytes) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `${what} is larger than ${maxBytes} bytes`);
  }
  const text = Buffer.from(bytes).toString("utf8");
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `${what} nests deeper than ${MAX_JSON_DEPTH}`);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new MlsecError("E_SIGNATURE_FORMAT", `${what} is not valid JSON`, { cause });
  }
}

/** Parses and checks the shape of a model-signing bundle. */
export function parseBundle(bytes: Uint8Array): { bundle: Bundle; json: unknown } {
  const json = parseBoundedJson(bytes, "signature file", MAX_BUNDLE_BYTES);
  const parsed = bundleSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MlsecError(
      "E_SIGNATURE_FORMAT",
      `not a Sigstore bundle: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  if (parsed.data.mediaType !== BUNDLE_MEDIA_TYPE) {
    throw new MlsecError(
      "E_SIGNATURE_FORMAT",
      `bundle media type is ${parsed.data.mediaType}, expected ${BUNDLE_MEDIA_TYPE}`,
    );
  }
  return { bundle: parsed.data, json };
}
