// The audit's signature check: verifies the model against its OpenSSF model-signing signature
// with a trusted public key, or reports that it is unsigned or could not be verified.

import { existsSync } from "node:fs";
import { defaultSignaturePath, VERIFY_FAILURES } from "../artifacts/signature-path.js";
import { isMlsecError, readFileBounded } from "../core/index.js";
import type { AuditFinding, AuditSections } from "./types.js";

export async function signatureSection(
  model: string,
  options: { signature?: string; publicKey?: string },
  sections: AuditSections,
  findings: AuditFinding[],
): Promise<void> {
  const a = await import("../artifacts/index.js");
  const signaturePath = options.signature ?? defaultSignaturePath(model);
  if (!existsSync(signaturePath)) {
    sections.signature = { status: "unsigned", signaturePath };
    findings.push({
      id: "signature.missing",
      section: "signature",
      severity: "low",
      title: "The model file is not signed",
      detail: `no signature at ${signaturePath}: nothing proves where the file came from`,
      command: "mlsec sign",
    });
    return;
  }
  if (options.publicKey === undefined) {
    sections.signature = { status: "unverified", signaturePath };
    findings.push({
      id: "signature.unverified",
      section: "signature",
      severity: "low",
      title: "The model's signature was not verified",
      detail: `${signaturePath} exists; pass --public-key to check it`,
      command: "mlsec verify",
    });
    return;
  }
  const verifier = a.keyVerifier(
    a.loadPublicKey(Buffer.from(await readFileBounded(options.publicKey, 1 << 20))),
  );
  try {
    const r = await a.verifyModel(model, { signaturePath, verifier });
    sections.signature = {
      status: "verified",
      signaturePath,
      signer: r.signer,
      rootDigest: r.rootDigest,
    };
  } catch (error) {
    if (!isMlsecError(error) || !VERIFY_FAILURES.includes(error.code)) throw error;
    sections.signature = {
      status: "failed",
      signaturePath,
      error: { code: error.code, message: error.message },
    };
    findings.push({
      id: "signature.invalid",
      section: "signature",
      severity: "critical",
      title: "The model does not match its signature",
      detail: `${error.code}: ${error.message}`,
      command: "mlsec verify",
    });
  }
}
