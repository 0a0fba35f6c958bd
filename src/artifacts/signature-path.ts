// Conventions shared by every signature check (CLI verify, audit, registry): where a model's
// signature lives by default, and which errors mean "does not verify" rather than bad input.

import { statSync } from "node:fs";
import { join } from "node:path";
import { type ErrorCode, MlsecError } from "../core/index.js";

/** Verification outcomes that are findings (exit 1), not bad input (exit 2). */
export const VERIFY_FAILURES: readonly ErrorCode[] = [
  "E_SIGNATURE_INVALID",
  "E_CERT_CHAIN_INVALID",
  "E_SIGSTORE_INVALID",
  "E_MODEL_MODIFIED",
];

/** Where a model's signature lives by default: MODEL/model.sig, or MODEL.sig for a file. */
export function defaultSignaturePath(model: string): string {
  try {
    return statSync(model).isDirectory() ? join(model, "model.sig") : `${model}.sig`;
  } catch (cause) {
    throw new MlsecError("E_FILE_NOT_FOUND", `model not found: ${model}`, { cause });
  }
}
