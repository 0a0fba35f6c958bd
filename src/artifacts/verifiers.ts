// Bundle verifiers for the OpenSSF model-signing methods (sigstore/model-transparency):
// private key (publicKey.hint = sha256 of the SPKI PEM), X.509 certificate chain, and keyless
// Sigstore (Fulcio certificate + Rekor entry + timestamps, via @sigstore/verify against a
// trusted_root.json). DSSE signatures are checked over the PAE (DSSE v1.0.0), with the
// model_signing v0.2 "compat" PAE as a fallback for signatures made by that release.

import type { KeyObject, X509Certificate } from "node:crypto";
import { MlsecError } from "../core/index.js";
import type { Bundle } from "./bundle.js";
import { pae, paeCompat } from "./dsse.js";
import { keyTypeOf, loadPublicKey, publicKeyHint, verifyMessage } from "./keys.js";
import { parseDerCertificate, verifyCertificateChain } from "./x509.js";

export interface VerifiedEnvelope {
  readonly payloadType: string;
  readonly payload: Buffer;
  /** Who signed, for the report (key type and hint, certificate subject, identity). */
  readonly signer: string;
  /** The signature was over the legacy v0.2 PAE. */
  readonly legacyPae: boolean;
}

/** Checks a bundle's signature and returns the authenticated payload. */
export interface BundleVerifier {
  readonly method: "key" | "certificate" | "sigstore";
  verify(bundle: Bundle, json: unknown): Promise<VerifiedEnvelope>;
}

function decodeEnvelope(bundle: Bundle): { payload: Buffer; sig: Buffer } {
  const envelope = bundle.dsseEnvelope;
  if (envelope.signatures.length !== 1) {
    throw new MlsecError(
      "E_SIGNATURE_FORMAT",
      `expected one DSSE signature, got ${envelope.signatures.length}`,
    );
  }
  return {
    payload: Buffer.from(envelope.payload, "base64"),
    sig: Buffer.from(envelope.signatures[0].sig, "base64"),
  };
}

function checkDsse(key: KeyObject, bundle: Bundle, signer: string): VerifiedEnvelope {
  const { payload, sig } = decodeEnvelope(bundle);
  const payloadType = bundle.dsseEnvelope.payloadType;
  if (verifyMessage(key, pae(payloadType, payload), sig)) {
    return { payloadType, payload, signer, legacyPae: false };
  }
  // model_signing v0.2 hashed its buggy PAE with SHA-256 whatever the curve.
  const compat = paeCompat(payloadType, payload);
  if (verifyMessage(key, compat, sig) || verifyMessage(key, compat, sig, "sha256")) {
    return { payloadType, payload, signer, legacyPae: true };
  }
  throw new MlsecError("E_SIGNATURE_INVALID", "the DSSE signature does not verify", {
    details: { signer },
  });
}

export function keyVerifier(publicKey: KeyObject): BundleVerifier {
  const type = keyTypeOf(publicKey);
  const hint = publicKeyHint(publicKey);
  return {
    method: "key",
    async verify(bundle) {
      const claimed = bundle.verificationMaterial.publicKey?.hint;
      if (claimed && claimed !== hint) {
        throw new MlsecError(
          "E_SIGNATURE_INVALID",
          `wrong key: the signature names key ${claimed}, the given key is ${hint}`,
        );
      }
      checkEmbeddedKey(bundle, publicKey, type);
      return checkDsse(publicKey, bundle, `${type} key ${hint.slice(0, 16)}`);
    },
  };
}

const KEY_DETAILS: Record<string, string> = {
  "ecdsa-p256": "PKIX_ECDSA_P256_SHA_256",
  "ecdsa-p384": "PKIX_ECDSA_P384_SHA_384",
  "ecdsa-p521": "PKIX_ECDSA_P521_SHA_512",
  ed25519: "PKIX_ED25519",
};

/**
 * Older bundles (model_signing v1.0) embed the key itself (rawBytes = the PEM text) and its
 * keyDetails instead of a hint. They are not needed to verify, but when present they must
 * describe the given key: a bundle claiming another key is refused rather than half-trusted.
 */
function checkEmbeddedKey(bundle: Bundle, publicKey: KeyObject, type: string): void {
  const material = bundle.verificationMaterial.publicKey;
  if (material?.keyDetails !== undefined && material.keyDetails !== KEY_DETAILS[type]) {
    throw new MlsecError(
      "E_SIGNATURE_INVALID",
      `wrong key: the signature names a ${material.keyDetails} key, the given key is ${type}`,
    );
  }
  if (material?.rawBytes !== undefined) {
    let embedded: KeyObject;
    try {
      embedded = loadPublicKey(Buffer.from(material.rawBytes, "base64"));
    } catch (cause) {
      throw new MlsecError("E_SIGNATURE_FORMAT", "the bundle's embedded public key is unreadable", {
        cause,
      });
    }
    if (!embedded.equals(publicKey)) {
      throw new MlsecError("E_SIGNATURE_INVALID", "wrong key: the signature embeds another key");
    }
  }
}

export function certificateVerifier(roots: readonly X509Certificate[]): BundleVerifier {
  return {
    method: "certificate",
    async verify(bundle) {
      const chain = bundle.verificationMaterial.x509CertificateChain?.certificates;
      if (chain === undefined) {
        throw new MlsecError("E_SIGNATURE_FORMAT", "the bundle has no x509CertificateChain");
      }
      const certs = chain.map((c) => parseDerCertificate(Buffer.from(c.rawBytes, "base64")));
      const { path } = verifyCertificateChain(certs, roots);
      const subject = path.map((s) => s.replace(/\n/g, ", ")).join(" <- ");
      return checkDsse(certs[0].publicKey, bundle, `certificate ${subject}`);
    },
  };
}

export interface SigstoreOptions {
  /** Parsed trusted_root.json (Sigstore TrustedRoot). */
  readonly trustedRoot: unknown;
  /** Expected certificate SAN (e-mail or URI). */
  readonly identity: string;
  /** Expected OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.1 / .8). */
  readonly issuer: string;
}

/**
 * @sigstore/verify reads certificates with its own ASN.1 parser, which accepts some altered DER
 * (a changed outer tag, for one): each certificate must also pass OpenSSL's strict reader.
 */
function requireStrictDer(bundle: Parameters<BundleVerifier["verify"]>[0]): void {
  const material = bundle.verificationMaterial;
  const all = [
    ...(material.certificate ? [material.certificate] : []),
    ...(material.x509CertificateChain?.certificates ?? []),
  ];
  for (const { rawBytes } of all) parseDerCertificate(Buffer.from(rawBytes, "base64"));
}

/**
 * An inclusion proof's rootHash and treeSize must be those of its signed checkpoint:
 * @sigstore/verify recomputes the root from the proof and compares it with the checkpoint only,
 * so an altered copy of these two fields would otherwise pass unnoticed.
 */
function requireConsistentProofs(bundle: Parameters<BundleVerifier["verify"]>[0]): void {
  for (const entry of bundle.verificationMaterial.tlogEntries ?? []) {
    const proof = entry.inclusionProof;
    if (proof === undefined) continue;
    const [, treeSize, rootHash] = proof.checkpoint.envelope.split("\n");
    if (treeSize !== proof.treeSize || rootHash !== proof.rootHash) {
      throw new MlsecError(
        "E_SIGSTORE_INVALID",
        "Sigstore verification failed: the inclusion proof's root hash or tree size is not its checkpoint's",
      );
    }
  }
}

export function sigstoreVerifier(options: SigstoreOptions): BundleVerifier {
  return {
    method: "sigstore",
    async verify(bundle, json) {
      const [{ bundleFromJSON }, { TrustedRoot }, sigstore] = await Promise.all([
        import("@sigstore/bundle"),
        import("@sigstore/protobuf-specs"),
        import("@sigstore/verify"),
      ]);
      let trust: ReturnType<typeof sigstore.toTrustMaterial>;
      try {
        trust = sigstore.toTrustMaterial(TrustedRoot.fromJSON(options.trustedRoot));
      } catch (cause) {
        throw new MlsecError("E_KEY_FORMAT", "cannot read the trusted root", { cause });
      }
      requireStrictDer(bundle);
      requireConsistentProofs(bundle);
      let entity: ReturnType<typeof sigstore.toSignedEntity>;
      try {
        entity = sigstore.toSignedEntity(bundleFromJSON(json));
      } catch (cause) {
        throw new MlsecError("E_SIGNATURE_FORMAT", `not a Sigstore bundle: ${String(cause)}`, {
          cause,
        });
      }
      const verifier = new sigstore.Verifier(trust, {
        tlogThreshold: 1,
        ctlogThreshold: 1,
        timestampThreshold: 1,
      });
      try {
        verifier.verify(entity, {
          subjectAlternativeName: options.identity,
          extensions: { issuer: options.issuer },
        });
      } catch (cause) {
        const message = cause instanceof Error ? cause.message : String(cause);
        throw new MlsecError("E_SIGSTORE_INVALID", `Sigstore verification failed: ${message}`, {
          cause,
        });
      }
      const { payload } = decodeEnvelope(bundle);
      return {
        payloadType: bundle.dsseEnvelope.payloadType,
        payload,
        signer: `sigstore ${options.identity} (${options.issuer})`,
        legacyPae: false,
      };
    },
  };
}
