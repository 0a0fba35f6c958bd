// Publish policy: what a version must show before the registry accepts it. Checks collect every
// failing reason (no stopping at the first) so a rejected publish says all that is wrong.
import { readFileSync } from "node:fs";
import { keyVerifier, loadPublicKey, publicKeyHint, verifyModel } from "../artifacts/index.js";
import { isMlsecError, MlsecError } from "../core/index.js";
import { type ScanResult, scanPaths, type Verdict } from "../scan/index.js";
import type { Db } from "./core.js";
import type { ArtifactKind } from "./model.js";
import { REGISTRY_SCOPE } from "./rbac.js";

export interface PublishPolicy {
  /** Every file must scan `safe` with the default scan rules. */
  readonly requireCleanScan: boolean;
  /** A model-signing bundle must verify with one of `trustedKeys`. */
  readonly requireSignature: boolean;
  /** PEM public keys (SPKI). */
  readonly trustedKeys: readonly string[];
  /** Blobs must be stored encrypted (`mlsec encrypt` format) under the registry's blob key. */
  readonly requireEncryption?: boolean;
}

export const DEFAULT_POLICY: PublishPolicy = {
  requireCleanScan: true,
  requireSignature: false,
  trustedKeys: [],
  requireEncryption: false,
};

export interface ScanRecord {
  readonly verdict: Verdict;
  readonly files: number;
  /** The formats the scanner recognised by content, sorted (`unknown` for unrecognised files). */
  readonly formats: readonly string[];
  readonly findings: readonly { file: string; ruleId: string; severity: string; message: string }[];
}

export interface SignatureRecord {
  readonly signer: string;
  readonly keyHint: string;
}

export interface PolicyEvaluation {
  readonly reasons: readonly string[];
  readonly scan: ScanRecord;
  readonly signature: SignatureRecord | null;
}

const VERDICT_ORDER: readonly Verdict[] = ["safe", "invalid", "suspicious", "malicious"];

/**
 * Sums a scan up. For a dataset, a file the scanner skips as "not a model format" (CSV, JSONL)
 * counts as safe: data files are expected there; anything it does recognise still must be clean.
 */
export function scanRecord(result: ScanResult, kind: ArtifactKind = "model"): ScanRecord {
  let verdict: Verdict = "safe";
  const findings: ScanRecord["findings"][number][] = [];
  for (const f of result.files) {
    if (kind === "dataset" && f.skipped) continue;
    if (VERDICT_ORDER.indexOf(f.verdict) > VERDICT_ORDER.indexOf(verdict)) verdict = f.verdict;
    for (const x of f.findings) {
      findings.push({ file: f.path, ruleId: x.ruleId, severity: x.severity, message: x.message });
    }
  }
  const formats = [...new Set(result.files.map((f) => f.format))].sort();
  return { verdict, files: result.files.length, formats, findings };
}

/** Scans the model and checks the signature (when given); returns the policy's failing reasons. */
export async function evaluatePolicy(
  policy: PublishPolicy,
  modelPath: string,
  signaturePath: string | undefined,
  context: { kind: ArtifactKind; canEncrypt: boolean },
): Promise<PolicyEvaluation> {
  const reasons: string[] = [];
  const scan = scanRecord(scanPaths([modelPath]), context.kind);
  if (policy.requireCleanScan && scan.verdict !== "safe") {
    const top = scan.findings
      .slice(0, 3)
      .map((f) => `${f.ruleId}: ${f.message}`)
      .join("; ");
    reasons.push(`scan verdict is ${scan.verdict}, the policy requires safe (${top})`);
  }
  let signature: SignatureRecord | null = null;
  if (signaturePath !== undefined) {
    const errors: string[] = [];
    for (const pem of policy.trustedKeys) {
      const key = loadPublicKey(Buffer.from(pem));
      try {
        const r = await verifyModel(modelPath, { signaturePath, verifier: keyVerifier(key) });
        signature = { signer: r.signer, keyHint: publicKeyHint(key) };
        break;
      } catch (e) {
        if (!isMlsecError(e)) throw e;
        errors.push(`${publicKeyHint(key)}: ${e.code} ${e.message}`);
      }
    }
    if (signature === null && policy.requireSignature) {
      reasons.push(
        policy.trustedKeys.length === 0
          ? "the policy requires a signature but trusts no key"
          : `the signature does not verify with any trusted key (${errors.join("; ")})`,
      );
    }
  } else if (policy.requireSignature) {
    reasons.push("the policy requires a signature from a trusted key; none was given");
  }
  if (policy.requireEncryption && !context.canEncrypt) {
    reasons.push(
      "the policy requires encryption at rest but the registry has no blob key (--blob-key-file)",
    );
  }
  return { reasons, scan, signature };
}

/** Reads PEM public key files for a policy, failing early on an unreadable key. */
export function readTrustedKeys(paths: readonly string[]): string[] {
  return paths.map((p) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(p);
    } catch (cause) {
      throw new MlsecError("E_FILE_NOT_FOUND", `cannot read the key ${p}`, { cause });
    }
    const key = loadPublicKey(bytes);
    return key.export({ type: "spki", format: "pem" }) as string;
  });
}

/** The policy for `model`: its own if set, else the registry's, else the default. */
export async function policyFor(db: Db, model: string): Promise<PublishPolicy> {
  const rows = await db
    .selectFrom("registry_policies")
    .select(["scope", "body"])
    .where("scope", "in", [REGISTRY_SCOPE, model])
    .execute();
  const row = rows.find((r) => r.scope === model) ?? rows.find((r) => r.scope === REGISTRY_SCOPE);
  return row ? { ...DEFAULT_POLICY, ...(JSON.parse(row.body) as PublishPolicy) } : DEFAULT_POLICY;
}
