// Signing keys for model signatures: ECDSA P-256/P-384/P-521 with the hash that follows the
// curve (Sigstore protobuf-specs PublicKeyDetails: PKIX_ECDSA_P256_SHA_256, ..._P384_SHA_384,
// ..._P521_SHA_512) and Ed25519 (RFC 8032, an mlsec extension of the model_signing format).

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { MlsecError } from "../core/index.js";

export type KeyType = "ecdsa-p256" | "ecdsa-p384" | "ecdsa-p521" | "ed25519";
export const KEY_TYPES: readonly KeyType[] = ["ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "ed25519"];

const CURVES: Record<string, KeyType> = {
  prime256v1: "ecdsa-p256",
  secp384r1: "ecdsa-p384",
  secp521r1: "ecdsa-p521",
};

/** Hash used with each key type (null: Ed25519 signs the message itself). */
export function hashFor(type: KeyType): "sha256" | "sha384" | "sha512" | null {
  switch (type) {
    case "ecdsa-p256":
      return "sha256";
    case "ecdsa-p384":
      return "sha384";
    case "ecdsa-p521":
      return "sha512";
    case "ed25519":
      return null;
  }
}

export function keyTypeOf(key: KeyObject): KeyType {
  if (key.asymmetricKeyType === "ed25519") return "ed25519";
  if (key.asymmetricKeyType === "ec") {
    const type = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ""];
    if (type !== undefined) return type;
  }
  throw new MlsecError(
    "E_KEY_FORMAT",
    `unsupported key: ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ""}`.trim(),
  );
}

/** Reads a PEM or DER private key (optionally encrypted with a passphrase). */
export function loadPrivateKey(bytes: Buffer, passphrase?: string): KeyObject {
  let key: KeyObject;
  try {
    const pem = bytes.includes("-----BEGIN");
    key = createPrivateKey(
      pem
        ? { key: bytes, format: "pem", passphrase }
        : { key: bytes, format: "der", type: "pkcs8", passphrase },
    );
  } catch (cause) {
    throw new MlsecError("E_KEY_FORMAT", "cannot read the private key", { cause });
  }
  keyTypeOf(key);
  return key;
}

/** Reads a PEM (possibly with text around it, as certtool writes) or DER SPKI public key. */
export function loadPublicKey(bytes: Buffer): KeyObject {
  let key: KeyObject;
  try {
    const text = bytes.toString("latin1");
    const match = /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/.exec(text);
    key = match
      ? createPublicKey({ key: match[0], format: "pem" })
      : createPublicKey({ key: bytes, format: "der", type: "spki" });
  } catch (cause) {
    throw new MlsecError("E_KEY_FORMAT", "cannot read the public key", { cause });
  }
  keyTypeOf(key);
  return key;
}

/** model_signing's key hint: hex SHA-256 of the SPKI PEM text. */
export function publicKeyHint(key: KeyObject): string {
  const pub = key.type === "public" ? key : createPublicKey(key);
  const pem = pub.export({ type: "spki", format: "pem" }) as string;
  return createHash("sha256").update(pem, "utf8").digest("hex");
}

/** Signs a message: ECDSA (DER signature) over the curve's hash, or Ed25519. */
export function signMessage(key: KeyObject, message: Uint8Array): Buffer {
  return cryptoSign(hashFor(keyTypeOf(key)), message, key);
}

export function verifyMessage(
  key: KeyObject,
  message: Uint8Array,
  signature: Uint8Array,
  hash: string | null = hashFor(keyTypeOf(key)),
): boolean {
  try {
    return cryptoVerify(hash, message, key, signature);
  } catch {
    return false;
  }
}

export interface GeneratedKeyPair {
  readonly type: KeyType;
  readonly privatePem: string;
  readonly publicPem: string;
}

export function generateSigningKey(type: KeyType): GeneratedKeyPair {
  const pair =
    type === "ed25519"
      ? generateKeyPairSync("ed25519")
      : generateKeyPairSync("ec", {
          namedCurve: { "ecdsa-p256": "P-256", "ecdsa-p384": "P-384", "ecdsa-p521": "P-521" }[type],
        });
  return {
    type,
    privatePem: pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    publicPem: pair.publicKey.export({ type: "spki", format: "pem" }) as string,
  };
}
