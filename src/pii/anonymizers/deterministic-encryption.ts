// Deterministic authenticated encryption: AES-256-GCM (NIST SP 800-38D) with a synthetic nonce
// HMAC-SHA-256(nonceKey, type || 0 || plaintext)[0..12], the SIV idea of RFC 5297 §1.3.2 built from
// node:crypto parts (AES-SIV itself is not in node:crypto).
//
// Trade-off: equal plaintexts of one type give equal tokens (that is the point: joins and counts
// still work on anonymized data), so equality leaks. A nonce repeats only with its plaintext, so
// GCM's nonce-reuse failure cannot happen short of an HMAC collision on 96 bits (negligible below
// ~2^32 distinct values per key). Decryption re-derives the nonce and checks it (tamper evidence
// beyond the GCM tag).

import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from "node:crypto";
import { MlsecError } from "../../core/index.js";

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function syntheticNonce(nonceKey: Uint8Array, context: string, plaintext: Buffer): Buffer {
  return createHmac("sha256", nonceKey)
    .update(context)
    .update(Buffer.from([0]))
    .update(plaintext)
    .digest()
    .subarray(0, NONCE_BYTES);
}

/** Returns nonce || ciphertext || tag. `context` (the entity type) is bound as associated data. */
export function encryptDeterministic(
  key: Uint8Array,
  nonceKey: Uint8Array,
  context: string,
  plaintext: string,
): Buffer {
  const pt = Buffer.from(plaintext, "utf8");
  const nonce = syntheticNonce(nonceKey, context, pt);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ct = Buffer.concat([cipher.update(pt), cipher.final()]);
  return Buffer.concat([nonce, ct, cipher.getAuthTag()]);
}

export function decryptDeterministic(
  key: Uint8Array,
  nonceKey: Uint8Array,
  context: string,
  sealed: Uint8Array,
): string {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) {
    throw new MlsecError("E_PII_KEY", "an encrypted token is too short to be genuine");
  }
  const buf = Buffer.from(sealed);
  const nonce = buf.subarray(0, NONCE_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(tag);
  let pt: Buffer;
  try {
    pt = Buffer.concat([
      decipher.update(buf.subarray(NONCE_BYTES, buf.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch (cause) {
    throw new MlsecError(
      "E_PII_KEY",
      "an encrypted token does not decrypt with this key (wrong key, or the token was altered)",
      { cause },
    );
  }
  if (!timingSafeEqual(nonce, syntheticNonce(nonceKey, context, pt))) {
    throw new MlsecError("E_PII_KEY", "an encrypted token's synthetic nonce does not match");
  }
  return pt.toString("utf8");
}
