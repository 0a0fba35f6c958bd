// in-toto Statement v1 (github.com/in-toto/attestation/blob/main/spec/v1/statement.md) carrying
// the model_signing predicate https://model_signing/signature/v1.0 (serialization + resources,
// one subject whose sha256 covers the resource digests), and the legacy v0.2 predicate
// https://model_signing/Digests/v0.1 (one subject per file).

import { z } from "zod";
import { MlsecError } from "../core/index.js";
import { parseBoundedJson } from "./bundle.js";
import { type Manifest, type Resource, rootDigest, type Serialization } from "./manifest.js";
import { normalizeRelative } from "./walk.js";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const PREDICATE_TYPE = "https://model_signing/signature/v1.0";
export const PREDICATE_TYPE_V02 = "https://model_signing/Digests/v0.1";

const MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
const MAX_RESOURCES = 1_000_000;
const hex = z.string().regex(/^[0-9a-fA-F]{2,128}$/, "not a hex digest");

const subjectSchema = z.looseObject({
  name: z.string(),
  digest: z.looseObject({ sha256: hex }),
});

const statementSchema = z.looseObject({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(subjectSchema).min(1).max(MAX_RESOURCES),
  predicateType: z.string(),
  predicate: z.unknown(),
});

const predicateSchema = z.looseObject({
  serialization: z.looseObject({
    method: z.string(),
    hash_type: z.string(),
    allow_symlinks: z.union([z.boolean(), z.literal("false"), z.literal("true")]).optional(),
    shard_size: z.number().int().positive().optional(),
    ignore_paths: z.array(z.string()).max(10_000).optional(),
  }),
  resources: z
    .array(z.looseObject({ name: z.string(), algorithm: z.string(), digest: hex }))
    .max(MAX_RESOURCES),
});

/** The signed content of a model signature, as read back from the payload. */
export interface SignedManifest {
  readonly modelName: string;
  readonly serialization: Serialization;
  readonly resources: readonly Resource[];
  readonly rootDigest: string;
  /** true for the legacy v0.2 predicate. */
  readonly legacy: boolean;
}

/** The in-toto statement for a manifest (field order as the reference tool writes it). */
export function buildStatement(manifest: Manifest): object {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: manifest.modelName, digest: { sha256: manifest.rootDigest } }],
    predicateType: PREDICATE_TYPE,
    predicate: {
      serialization: manifest.serialization,
      resources: manifest.resources.map((r) => ({
        name: r.name,
        algorithm: r.algorithm,
        digest: r.digest,
      })),
    },
  };
}

function fail(message: string): never {
  throw new MlsecError("E_SIGNATURE_FORMAT", message);
}

/** Reads a verified payload back into the manifest it signs. */
export function parseStatement(payload: Uint8Array): SignedManifest {
  const parsed = statementSchema.safeParse(parseBoundedJson(payload, "payload", MAX_PAYLOAD_BYTES));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`payload is not an in-toto Statement v1: ${issue.path.join(".")}: ${issue.message}`);
  }
  const statement = parsed.data;
  if (statement.predicateType === PREDICATE_TYPE_V02) {
    const resources = statement.subject.map((s) => ({
      name: s.name,
      algorithm: "sha256",
      digest: s.digest.sha256.toLowerCase(),
    }));
    checkUnique(resources);
    return {
      modelName: "",
      serialization: { method: "files", hash_type: "sha256", allow_symlinks: false },
      resources,
      rootDigest: rootDigest(resources),
      legacy: true,
    };
  }
  if (statement.predicateType !== PREDICATE_TYPE) {
    throw new MlsecError(
      "E_SIGNATURE_UNSUPPORTED",
      `predicate type ${statement.predicateType} is not ${PREDICATE_TYPE}`,
    );
  }
  if (statement.subject.length !== 1) fail(`expected one subject, got ${statement.subject.length}`);
  const predicate = predicateSchema.safeParse(statement.predicate);
  if (!predicate.success) {
    const issue = predicate.error.issues[0];
    fail(`malformed model_signing predicate: ${issue.path.join(".")}: ${issue.message}`);
  }
  const { serialization: s, resources: raw } = predicate.data;
  if (s.method !== "files" && s.method !== "shards") {
    throw new MlsecError("E_SIGNATURE_UNSUPPORTED", `serialization method ${s.method}`);
  }
  if (s.hash_type !== "sha256") {
    throw new MlsecError("E_SIGNATURE_UNSUPPORTED", `hash type ${s.hash_type} (only sha256)`);
  }
  if (s.method === "shards" && s.shard_size === undefined) fail("shards without shard_size");
  const resources = raw.map((r) => ({
    name: r.name,
    algorithm: r.algorithm,
    digest: r.digest.toLowerCase(),
  }));
  checkUnique(resources);
  // The subject digest must cover exactly these resources, in the order they appear.
  const root = rootDigest(resources);
  const subject = statement.subject[0];
  if (root !== subject.digest.sha256.toLowerCase()) {
    throw new MlsecError(
      "E_SIGNATURE_INVALID",
      `inconsistent manifest: resources hash to ${root}, subject says ${subject.digest.sha256}`,
    );
  }
  let ignore: string[] | undefined;
  try {
    ignore = s.ignore_paths?.map(normalizeRelative);
  } catch (cause) {
    throw new MlsecError("E_SIGNATURE_FORMAT", "an ignore path in the signature leaves the model", {
      cause,
    });
  }
  return {
    modelName: subject.name,
    serialization: {
      method: s.method,
      hash_type: "sha256",
      allow_symlinks: s.allow_symlinks === true || s.allow_symlinks === "true",
      ...(s.shard_size !== undefined ? { shard_size: s.shard_size } : {}),
      ...(ignore !== undefined ? { ignore_paths: ignore } : {}),
    },
    resources,
    rootDigest: root,
    legacy: false,
  };
}

function checkUnique(resources: readonly Resource[]): void {
  const seen = new Set<string>();
  for (const r of resources) {
    if (seen.has(r.name)) fail(`resource ${r.name} appears twice`);
    seen.add(r.name);
  }
}
