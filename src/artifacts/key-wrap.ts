// Envelope encryption of per-file data keys (NIST SP 800-57 key hierarchy, the "envelope"
// pattern of cloud KMSs): a random 256-bit data key is wrapped with AES-256-GCM under a
// key-encryption key taken from a key file or derived from a passphrase with scrypt
// (RFC 7914; parameters stored so they can be raised later), or handed to an external KMS
// command (`CMD wrap` / `CMD unwrap` over stdin/stdout). Re-keying re-wraps only.

import { spawnSync } from "node:child_process";
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
export const KEK_KIND_KMS = 3;
/** Bound on the opaque blob a KMS command may return. */
export const MAX_KMS_BLOB = 4096;
const KMS_TIMEOUT_MS = 60_000;

/** Bounds on stored scrypt parameters (a hostile header must not exhaust memory or time). */
export const SCRYPT_MAX_LOG2N = 20;
const SCRYPT_MAX_R = 16;
const SCRYPT_MAX_P = 4;
export const SCRYPT_DEFAULT_LOG2N = 17;

/** Where the key-encryption key comes from. */
export type KeySource =
  | { readonly kind: "key"; readonly key: Buffer }
  | { readonly kind: "passphrase"; readonly passphrase: string; readonly log2N?: number }
  /** argv of an external command: run with "wrap" or "unwrap" appended. */
  | { readonly kind: "kms"; readonly command: readonly string[] };

/**
 * Runs the KMS command. Protocol: `CMD wrap` reads base64(data key) on stdin and prints an
 * opaque printable blob; `CMD unwrap` reads that blob and prints base64(data key).
 */
function runKms(command: readonly string[], verb: "wrap" | "unwrap", input: string): string {
  if (command.length === 0) throw new MlsecError("E_USAGE", "the KMS command is empty");
  const r = spawnSync(command[0], [...command.slice(1), verb], {
    input,
    encoding: "utf8",
    timeout: KMS_TIMEOUT_MS,
    maxBuffer: 64 * 1024,
  });
  if (r.error !== undefined || r.status !== 0) {
    const why = r.error?.message ?? `exit ${r.status}: ${(r.stderr ?? "").trim().slice(0, 500)}`;
    throw new MlsecError("E_KMS_COMMAND", `KMS command ${verb} failed (${why})`);
  }
  return r.stdout.trim();
}

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
  if (source.kind === "kms") {
    const blob = Buffer.from(runKms(source.command, "wrap", `${dataKey.toString("base64")}\n`));
    if (
      blob.length === 0 ||
      blob.length > MAX_KMS_BLOB ||
      !/^[\x21-\x7e]+$/.test(blob.toString())
    ) {
      throw new MlsecError("E_KMS_COMMAND", "KMS wrap output must be 1-4096 printable characters");
    }
    const head = Buffer.alloc(3);
    head[0] = KEK_KIND_KMS;
    head.writeUInt16BE(blob.length, 1);
    return Buffer.concat([head, blob]);
  }
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

/**
 * Length of the wrap section at the start of `wrap` (which may run on into the segments), or
 * throws on an unknown kind or a bad KMS blob length.
 */
export function wrapLength(wrap: Buffer): number {
  const kind = wrap[0];
  if (kind === KEK_KIND_KEY) return 1 + 16 + 12 + 48;
  if (kind === KEK_KIND_SCRYPT) return 1 + 1 + 8 + 16 + 12 + 48;
  if (kind === KEK_KIND_KMS) {
    const n = wrap.length >= 3 ? wrap.readUInt16BE(1) : 0;
    if (n < 1 || n > MAX_KMS_BLOB) {
      throw new MlsecError("E_ENCRYPTED_FORMAT", `KMS blob length ${n} out of bounds`);
    }
    return 3 + n;
  }
  throw new MlsecError("E_ENCRYPTED_FORMAT", `unknown key-encryption kind ${kind}`);
}

/** Describes a wrap section for reports (no secrets). */
export function describeWrap(wrap: Buffer): { kind: KeySource["kind"]; keyId?: string } {
  if (wrap[0] === KEK_KIND_KEY) return { kind: "key", keyId: wrap.subarray(1, 17).toString("hex") };
  return { kind: wrap[0] === KEK_KIND_KMS ? "kms" : "passphrase" };
}

/** Recovers the data key; E_WRONG_KEY if the key or passphrase does not open it. */
export function unwrapDataKey(wrap: Buffer, source: KeySource, aad: Buffer): Buffer {
  const kind = wrap[0];
  if (wrap.length !== wrapLength(wrap)) {
    throw new MlsecError("E_ENCRYPTED_FORMAT", "truncated key-wrap section");
  }
  if (kind === KEK_KIND_KMS) {
    if (source.kind !== "kms") {
      throw new MlsecError("E_WRONG_KEY", "this file's data key is held by a KMS", {
        hint: "Pass --kms-command with the command that wrapped it.",
      });
    }
    // A wrong key from the KMS is caught later: every segment then fails authentication.
    const key = Buffer.from(
      runKms(source.command, "unwrap", wrap.subarray(3).toString()),
      "base64",
    );
    if (key.length !== 32) {
      throw new MlsecError("E_KMS_COMMAND", "KMS unwrap must print a base64 256-bit key");
    }
    return key;
  }
  if (source.kind === "kms") {
    throw new MlsecError("E_WRONG_KEY", "this file was not encrypted through a KMS command");
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
