// Signed checkpoints of the audit chain: {entries, head, at} in RFC 8785 canonical JSON, signed
// with an ECDSA or Ed25519 key (like a transparency log's signed tree head, RFC 6962 §3.5).
// Kept outside the database, a checkpoint makes cutting entries off the end detectable, and its
// signature makes a forged checkpoint detectable.
import { type KeyObject, sign, verify } from "node:crypto";
import { hashFor, keyTypeOf, publicKeyHint } from "../artifacts/index.js";
import { MlsecError } from "../core/index.js";
import type { AuditCheckpoint } from "./audit.js";
import { canonicalJson } from "./canonical-json.js";

export const CHECKPOINT_TYPE = "mlsec.registry.audit-checkpoint/v1";

export interface SignedCheckpoint extends AuditCheckpoint {
  readonly type: typeof CHECKPOINT_TYPE;
  readonly at: string;
  /** SHA-256 of the signer's SPKI PEM. */
  readonly keyHint: string;
  /** base64 signature over the canonical JSON of {type, entries, head, at}. */
  readonly signature: string;
}

function signedBytes(c: { entries: number; head: string; at: string }): Buffer {
  const body = { type: CHECKPOINT_TYPE, entries: c.entries, head: c.head, at: c.at };
  return Buffer.from(canonicalJson(body), "utf8");
}

export function signCheckpoint(
  head: AuditCheckpoint,
  at: string,
  privateKey: KeyObject,
): SignedCheckpoint {
  const bytes = signedBytes({ ...head, at });
  const signature = sign(hashFor(keyTypeOf(privateKey)), bytes, privateKey).toString("base64");
  return {
    type: CHECKPOINT_TYPE,
    entries: head.entries,
    head: head.head,
    at,
    keyHint: publicKeyHint(privateKey),
    signature,
  };
}

/** Parses a checkpoint file and checks its signature against the trusted keys. */
export function verifyCheckpoint(text: string, trusted: readonly KeyObject[]): SignedCheckpoint {
  let c: SignedCheckpoint;
  try {
    c = JSON.parse(text) as SignedCheckpoint;
  } catch (cause) {
    throw new MlsecError("E_INVALID_ARGUMENT", "the checkpoint is not JSON", { cause });
  }
  if (
    c === null ||
    typeof c !== "object" ||
    c.type !== CHECKPOINT_TYPE ||
    !Number.isInteger(c.entries) ||
    c.entries < 0 ||
    typeof c.head !== "string" ||
    !/^[0-9a-f]{64}$/.test(c.head) ||
    typeof c.at !== "string" ||
    typeof c.signature !== "string"
  ) {
    throw new MlsecError("E_INVALID_ARGUMENT", `not a ${CHECKPOINT_TYPE} document`);
  }
  const bytes = signedBytes(c);
  const signature = Buffer.from(c.signature, "base64");
  for (const key of trusted) {
    if (verify(hashFor(keyTypeOf(key)), bytes, key, signature)) return c;
  }
  throw new MlsecError(
    "E_SIGNATURE_INVALID",
    "the audit checkpoint's signature does not verify with any trusted key",
    { hint: "Use the checkpoint file as written by `mlsec registry audit checkpoint`." },
  );
}
