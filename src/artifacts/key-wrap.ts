// Envelope encryption of per-file data keys (NIST SP 800-57 key hierarchy, the "envelope"
// pattern of cloud KMSs): a random 256-bit data key is wrapped with AES-256-GCM under a
// key-encryption key taken from a key file or derived from a passphrase with scrypt
// (RFC 7914; parameters stored so they can be raised later). Re-keying re-wraps only.

import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  scryptSync,
  timingSafeEqual,
} from "node:crypto";
import { MlsecError } from "../core/index.js";

export const KEK_KIND_KEY = 1;
export const KEK_KIND_SCRYPT = 2;

/** Bounds on stored scrypt parameters (a hostile header must not exhaust memory or time). */
export const SCRYPT_MAX_LOG2N = 20;
const SCRYPT_MAX_R = 16;
const SCRYPT_MAX_P = 4;
export const SCRYPT_DEFAULT_LOG2N = 17;

/** Where the key-encryption key comes from. */
export type KeySource =
  | { readonly kind: "key"; readonly key: Buffer }
  | { readonly kind: "passphrase"; readonly passphrase: string; readonly log2N?: number };

/** Identifies a key without revealing it: SHA-256("mlsec-kek-id" || key), 16 bytes. */
export function keyId(key: Buffer): Buffer {
  return createHash("sha256").update("mlsec-kek-id").update(key).digest().subarray(0, 16);
}

/** Reads a key file: 64 hex characters (whitespace allowed around) or 32 raw bytes. */
export function parseKeyFile(bytes: Buffer): Buffer {
  const text = bytes.toString("latin1").trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (bytes.length === 32) return Buffer.from(bytes);
  throw new MlsecError("E_KEY_FORMAT", "a key file holds 64 hex characters (a 256-bit key)", {
    hint: "Create one with `mlsec keygen --type aes256 --out file.key`.",
  });
}

function scrypt(passphrase: string, salt: Buffer, log2N: number, r: number, p: number): Buffer {
  const N = 2 ** log2N;
  return scryptSync(passphrase.normalize("NFC"), salt, 32, {
    N,
    r,
    p,
    maxmem: 128 * N * r * p + 64 * 1024 * 1024,
  });
}

/** A wrap section: kind, KEK parameters, nonce and wrapped data key. */
export function wrapDataKey(dataKey: Buffer, source: KeySource, aad: Buffer): Buffer {
  let params: Buffer;
  let kek: Buffer;
  if (source.kind === "key") {
    if (source.key.length !== 32) throw new MlsecError("E_KEY_FORMAT", "keys are 32 bytes");
    kek = source.key;
    params = Buffer.concat([Buffer.from([KEK_KIND_KEY]), keyId(kek)]);
  } else {
    const log2N = source.log2N ?? SCRYPT_DEFAULT_LOG2N;
    if (!Number.isInteger(log2N) || log2N < 10 || log2N > SCRYPT_MAX_LOG2N) {
      throw new MlsecError("E_INVALID_ARGUMENT", `scrypt log2(N) must be in [10, 20]`);
    }
    if (source.passphrase.length === 0) {
      throw new MlsecError("E_INVALID_ARGUMENT", "the passphrase is empty");
    }
    const salt = randomBytes(16);
    const r = 8;
    const p = 1;
    kek = scrypt(source.passphrase, salt, log2N, r, p);
    params = Buffer.alloc(1 + 1 + 4 + 4 + 16);
    params[0] = KEK_KIND_SCRYPT;
    params[1] = log2N;
    params.writeUInt32BE(r, 2);
    params.writeUInt32BE(p, 6);
    salt.copy(params, 10);
  }
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", kek, nonce);
  cipher.setAAD(Buffer.concat([aad, params]));
  const sealed = Buffer.concat([cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([params, nonce, sealed]);
}

/** Length of a wrap section starting with `kind`, or throws on an unknown kind. */
export function wrapLength(kind: number): number {
  if (kind === KEK_KIND_KEY) return 1 + 16 + 12 + 48;
  if (kind === KEK_KIND_SCRYPT) return 1 + 1 + 8 + 16 + 12 + 48;
  throw new MlsecError("E_ENCRYPTED_FORMAT", `unknown key-encryption kind ${kind}`);
}

/** Describes a wrap section for reports (no secrets). */
export function describeWrap(wrap: Buffer): { kind: "key" | "passphrase"; keyId?: string } {
  return wrap[0] === KEK_KIND_KEY
    ? { kind: "key", keyId: wrap.subarray(1, 17).toString("hex") }
    : { kind: "passphrase" };
}

/** Recovers the data key; E_WRONG_KEY if the key or passphrase does not open it. */
export function unwrapDataKey(wrap: Buffer, source: KeySource, aad: Buffer): Buffer {
  const kind = wrap[0];
  if (wrap.length !== wrapLength(kind)) {
    throw new MlsecError("E_ENCRYPTED_FORMAT", "truncated key-wrap section");
  }
  let kek: Buffer;
  let paramsEnd: number;
  if (kind === KEK_KIND_KEY) {
    if (source.kind !== "key") {
      throw new MlsecError("E_WRONG_KEY", "this file was encrypted with a key file", {
        hint: "Pass --key-file with the key it was encrypted (or re-keyed) with.",
      });
    }
    const id = wrap.subarray(1, 17);
    if (!timingSafeEqual(id, keyId(source.key))) {
      throw new MlsecError(
        "E_WRONG_KEY",
        `wrong key: the file needs key id ${id.toString("hex")}`,
        {
          details: { keyId: id.toString("hex") },
        },
      );
    }
    kek = source.key;
    paramsEnd = 17;
  } else {
    if (source.kind !== "passphrase") {
      throw new MlsecError("E_WRONG_KEY", "this file was encrypted with a passphrase", {
        hint: "Pass --passphrase-env with the variable holding the passphrase.",
      });
    }
    const log2N = wrap[1];
    const r = wrap.readUInt32BE(2);
    const p = wrap.readUInt32BE(6);
    if (
      log2N < 1 ||
      log2N > SCRYPT_MAX_LOG2N ||
      r < 1 ||
      r > SCRYPT_MAX_R ||
      p < 1 ||
      p > SCRYPT_MAX_P
    ) {
      throw new MlsecError(
        "E_LIMIT_EXCEEDED",
        `scrypt parameters out of bounds (N=2^${log2N}, r=${r}, p=${p})`,
      );
    }
    kek = scrypt(source.passphrase, wrap.subarray(10, 26), log2N, r, p);
    paramsEnd = 26;
  }
  const nonce = wrap.subarray(paramsEnd, paramsEnd + 12);
  const sealed = wrap.subarray(paramsEnd + 12);
  const decipher = createDecipheriv("aes-256-gcm", kek, nonce);
  decipher.setAAD(Buffer.concat([aad, wrap.subarray(0, paramsEnd)]));
  decipher.setAuthTag(sealed.subarray(32));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, 32)), decipher.final()]);
  } catch {
    throw new MlsecError(
      "E_WRONG_KEY",
      kind === KEK_KIND_SCRYPT
        ? "wrong passphrase (or the header was altered)"
        : "the wrapped data key does not open (the header was altered)",
    );
  }
}
