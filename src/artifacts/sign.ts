// Signing models in the OpenSSF model-signing format v1.0 (sigstore/model-transparency): a
// Sigstore bundle v0.3 whose DSSE envelope (DSSE v1.0.0) signs an in-toto Statement v1 over
// the model manifest. Key method: publicKey.hint; certificate method: x509CertificateChain.

import type { KeyObject, X509Certificate } from "node:crypto";
import { MlsecError } from "../core/index.js";
import { BUNDLE_MEDIA_TYPE } from "./bundle.js";
import { IN_TOTO_PAYLOAD_TYPE, pae } from "./dsse.js";
import { keyTypeOf, publicKeyHint, signMessage } from "./keys.js";
import { buildManifest, type Manifest, type ManifestOptions } from "./manifest.js";
import { buildStatement } from "./statement.js";

export interface SignOptions extends ManifestOptions {
  readonly privateKey: KeyObject;
  /** Certificate method: the signing certificate and the chain above it (without the root). */
  readonly certificates?: readonly X509Certificate[];
}

export interface SignResult {
  readonly bundle: object;
  readonly manifest: Manifest;
}

/** Signs an already computed manifest. */
export function signManifest(
  manifest: Manifest,
  privateKey: KeyObject,
  certificates?: readonly X509Certificate[],
): object {
  keyTypeOf(privateKey);
  const payload = Buffer.from(JSON.stringify(buildStatement(manifest)), "utf8");
  const sig = signMessage(privateKey, pae(IN_TOTO_PAYLOAD_TYPE, payload));
  let verificationMaterial: object;
  if (certificates !== undefined && certificates.length > 0) {
    if (!certificates[0].checkPrivateKey(privateKey)) {
      throw new MlsecError(
        "E_KEY_FORMAT",
        "the signing certificate does not match the private key",
      );
    }
    verificationMaterial = {
      x509CertificateChain: {
        certificates: certificates.map((c) => ({ rawBytes: c.raw.toString("base64") })),
      },
      tlogEntries: [],
    };
  } else {
    verificationMaterial = { publicKey: { hint: publicKeyHint(privateKey) }, tlogEntries: [] };
  }
  return {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial,
    dsseEnvelope: {
      payload: payload.toString("base64"),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: sig.toString("base64"), keyid: "" }],
    },
  };
}

/** Hashes a model and signs its manifest. */
export async function signModel(modelPath: string, options: SignOptions): Promise<SignResult> {
  keyTypeOf(options.privateKey);
  const manifest = await buildManifest(modelPath, options);
  return { bundle: signManifest(manifest, options.privateKey, options.certificates), manifest };
}
