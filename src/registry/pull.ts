// Pulling: a version copied out through a temporary copy that is decrypted (when stored
// encrypted) and rehashed against its digest, so a blob altered on disk is refused.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MlsecError } from "../core/index.js";
import { copyVerified } from "./blobs.js";
import type { RegistryCore } from "./core.js";
import { resolveVersion, splitRef } from "./lookup.js";
import type { Version } from "./model.js";
import { policyFor } from "./policy.js";
import { signatureBundle, trustedKeysFromPem, verifyPulled } from "./signature.js";

/** Copies `name@N|alias|latest` (a bare name means latest) to `target`, verified. */
export async function pull(
  core: RegistryCore,
  actor: string,
  ref: string,
  target: string,
): Promise<Version> {
  const { name, selector } = splitRef(ref);
  await core.check(actor, "pull", ref, name);
  const version = await resolveVersion(core.db, `${name}@${selector}`);
  const bundle = await signatureBundle(core.db, version);
  if (bundle === null) {
    await core.blobs.get(version.digest, target, { key: blobKeyFor(core, version) });
    return version;
  }
  const trusted = trustedKeysFromPem((await policyFor(core.db, name)).trustedKeys);
  await withVerifiedCopy(core, version, async (plain) => {
    await verifyPulled(plain, bundle, trusted, `${plain}.sig`, `${name}@${version.version}`);
    await copyVerified(plain, target, version.digest);
  });
  return version;
}

/** The key a version's blob needs (undefined when stored in clear). */
export function blobKeyFor(core: RegistryCore, version: Version) {
  if (version.encryption === null) return undefined;
  if (core.blobKey === undefined) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `${version.model}@${version.version} is encrypted at rest; the registry needs its blob key`,
      { hint: "Pass --blob-key-file FILE (or set MLSEC_REGISTRY_KEY_FILE) to the registry's key." },
    );
  }
  return core.blobKey;
}

/** Runs `body` on a verified plaintext copy of the version's blob in a temporary directory. */
export async function withVerifiedCopy<T>(
  core: RegistryCore,
  version: Version,
  body: (path: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "mlsec-blob-"));
  try {
    const path = join(dir, "blob");
    await core.blobs.get(version.digest, path, { key: blobKeyFor(core, version) });
    return await body(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
