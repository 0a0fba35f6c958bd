// Verifying a model against a model-signing bundle (sigstore/model-transparency verify flow):
// authenticate the DSSE payload, read the manifest it signs, rehash the local model with the
// signed serialization parameters, and require exactly the same {name -> digest} set.

import { readFileSync } from "node:fs";
import { MlsecError, type ProgressListener } from "../core/index.js";
import { parseBundle } from "./bundle.js";
import { IN_TOTO_PAYLOAD_TYPE } from "./dsse.js";
import { buildManifest, diffResources } from "./manifest.js";
import { parseStatement } from "./statement.js";
import type { BundleVerifier } from "./verifiers.js";

export interface VerifyOptions {
  readonly signaturePath: string;
  readonly verifier: BundleVerifier;
  /** Extra paths to ignore besides those recorded in the signature. */
  readonly ignorePaths?: readonly string[];
  readonly workers?: number;
  readonly onProgress?: ProgressListener;
}

export interface VerifyResult {
  readonly valid: true;
  readonly method: BundleVerifier["method"];
  readonly signer: string;
  readonly modelName: string;
  readonly serialization: string;
  readonly resources: number;
  readonly bytes: number;
  readonly rootDigest: string;
  /** Signature made by model_signing v0.2 (legacy predicate and PAE). */
  readonly legacy: boolean;
}

/** Throws a typed MlsecError on any failure; returns only for a valid signature and model. */
export async function verifyModel(
  modelPath: string,
  options: VerifyOptions,
): Promise<VerifyResult> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(options.signaturePath);
  } catch (cause) {
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${options.signaturePath}`, { cause });
  }
  const { bundle, json } = parseBundle(bytes);
  const envelope = await options.verifier.verify(bundle, json);
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new MlsecError(
      "E_SIGNATURE_FORMAT",
      `DSSE payload type ${envelope.payloadType}, expected ${IN_TOTO_PAYLOAD_TYPE}`,
    );
  }
  const signed = parseStatement(envelope.payload);
  const s = signed.serialization;
  const local = await buildManifest(modelPath, {
    method: s.method,
    shardSize: s.shard_size,
    allowSymlinks: s.allow_symlinks,
    ignorePaths: [...(s.ignore_paths ?? []), ...(options.ignorePaths ?? [])],
    signaturePath: options.signaturePath,
    workers: options.workers,
    onProgress: options.onProgress,
  });
  const diff = diffResources(signed.resources, local.resources);
  if (diff.changed.length + diff.missing.length + diff.extra.length > 0) {
    const parts = [
      diff.changed.length > 0 ? `changed: ${diff.changed.join(", ")}` : "",
      diff.missing.length > 0 ? `missing: ${diff.missing.join(", ")}` : "",
      diff.extra.length > 0 ? `extra: ${diff.extra.join(", ")}` : "",
    ].filter((p) => p !== "");
    throw new MlsecError(
      "E_MODEL_MODIFIED",
      `the model differs from its signature (${parts.join("; ")})`,
      {
        details: { ...diff },
      },
    );
  }
  return {
    valid: true,
    method: options.verifier.method,
    signer: envelope.signer,
    modelName: signed.modelName,
    serialization: s.method === "shards" ? `shards of ${s.shard_size} bytes` : "files",
    resources: signed.resources.length,
    bytes: local.bytes,
    rootDigest: signed.rootDigest,
    legacy: signed.legacy || envelope.legacyPae,
  };
}
