// Signature checks at pull time: a version published with a model-signing bundle is verified
// again, against the bytes about to be handed out and the keys trusted today (a key dropped from
// the policy since publishing no longer vouches for the version).

import type { KeyObject } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { keyVerifier, loadPublicKey, publicKeyHint, verifyModel } from "../artifacts/index.js";
import { MlsecError } from "../core/index.js";
import type { Db } from "./core.js";
import type { Version } from "./model.js";

export async function signatureBundle(db: Db, version: Version): Promise<string | null> {
  const row = await db
    .selectFrom("registry_versions")
    .select("signature_bundle")
    .where("model", "=", version.model)
    .where("version", "=", version.version)
    .executeTakeFirst();
  return row?.signature_bundle ?? null;
}

export function trustedKeysFromPem(pems: readonly string[]): KeyObject[] {
  return pems.map((pem) => loadPublicKey(Buffer.from(pem)));
}

/**
 * Verifies `bundle` over the model at `path` with one of `trusted`; `scratch` is a file path the
 * bundle may be written to. Throws E_SIGNATURE_INVALID (or the verifier's error) on failure.
 */
export async function verifyPulled(
  path: string,
  bundle: string,
  trusted: readonly KeyObject[],
  scratch: string,
  label: string,
): Promise<{ signer: string; keyHint: string }> {
  await writeFile(scratch, bundle, { flag: "wx" });
  let last: unknown;
  for (const key of trusted) {
    try {
      const r = await verifyModel(path, { signaturePath: scratch, verifier: keyVerifier(key) });
      return { signer: r.signer, keyHint: publicKeyHint(key) };
    } catch (error) {
      last = error;
    }
  }
  if (last instanceof MlsecError && last.code === "E_MODEL_MODIFIED") throw last;
  throw new MlsecError(
    "E_SIGNATURE_INVALID",
    `${label}: its signature does not verify with any key trusted now (${trusted.length} keys)`,
    {
      hint: "The signing key may have been dropped from the publish policy; ask an admin.",
      cause: last,
    },
  );
}
