// Per-purpose subkeys from one user key with HKDF-SHA-256 (RFC 5869), so the hash, encryption
// and pseudonym operators never share key material.

import { hkdfSync } from "node:crypto";
import { MlsecError } from "../../core/index.js";

export interface PiiKeys {
  /** HMAC-SHA-256 key of the hash operator. */
  readonly hash: Buffer;
  /** AES-256-GCM key of the encrypt operator. */
  readonly encrypt: Buffer;
  /** HMAC key deriving the encrypt operator's synthetic nonces. */
  readonly nonce: Buffer;
  /** AES-256 key of FF1 pseudonyms. */
  readonly pseudonym: Buffer;
}

export const MIN_KEY_BYTES = 16;

export function deriveKeys(master: Uint8Array): PiiKeys {
  if (master.length < MIN_KEY_BYTES) {
    throw new MlsecError(
      "E_PII_KEY",
      `the anonymization key has ${master.length} bytes; at least ${MIN_KEY_BYTES} are needed`,
    );
  }
  const salt = Buffer.from("mlsec-pii-v1");
  const sub = (info: string) => Buffer.from(hkdfSync("sha256", master, salt, info, 32));
  return {
    hash: sub("hash"),
    encrypt: sub("encrypt"),
    nonce: sub("nonce"),
    pseudonym: sub("pseudonym"),
  };
}

/**
 * Reads a key from the text of a key file: 64 hex digits, base64 of >= 16 bytes, or else the
 * raw bytes themselves (a long random passphrase).
 */
export function parseKey(content: Uint8Array): Buffer {
  const text = Buffer.from(content).toString("utf8").trim();
  if (/^[0-9a-fA-F]{32,}$/.test(text) && text.length % 2 === 0) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9+/_-]{22,}={0,2}$/.test(text)) {
    const b = Buffer.from(text, "base64");
    if (b.length >= MIN_KEY_BYTES) return b;
  }
  return Buffer.from(content);
}
