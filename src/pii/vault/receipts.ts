// Deletion receipts and their audit log. A receipt says what was destroyed (which subjects'
// keys, how many records, the key table and data set digests before and after) without naming
// anyone: subjects appear as HMAC references only the key holder can recompute. Receipts are
// signed (ECDSA or Ed25519 with a signing key, as model signatures are; otherwise HMAC-SHA-256
// under a key derived from the master key) and chained: each log line carries the SHA-256 of
// the line before, so removing or editing an entry breaks every later one.

import { createHash, createHmac, type KeyObject, sign, timingSafeEqual, verify } from "node:crypto";
import { hashFor, keyTypeOf } from "../../artifacts/index.js";
import { MlsecError } from "../../core/index.js";
import type { MasterKeys } from "./key-table.js";

export const RECEIPT_TYPE = "mlsec.pii.deletion-receipt/v1";
const GENESIS = "0".repeat(64);

export interface DeletionReceipt {
  readonly type: typeof RECEIPT_TYPE;
  readonly action: "forget" | "retention";
  readonly time: string;
  /** HMAC-SHA-256 references of the subjects whose keys were destroyed (base64url). */
  readonly subjects: readonly string[];
  readonly keysDestroyed: number;
  readonly keyTable: {
    readonly tableId: string;
    readonly digestBefore: string;
    readonly digestAfter: string;
  };
  readonly dataset?: {
    readonly path: string;
    readonly sha256Before: string;
    readonly sha256After: string;
    readonly recordsRemoved: number;
  };
  readonly retention?: {
    readonly field: string;
    readonly maxAgeDays: number;
    readonly cutoff: string;
  };
  /** SHA-256 of the previous log line (hex), or 64 zeros for the first. */
  readonly prev: string;
}

export interface ReceiptSignature {
  readonly kind: "hmac-sha256" | "ecdsa-p256" | "ecdsa-p384" | "ecdsa-p521" | "ed25519";
  readonly value: string;
}

export interface AuditEntry {
  readonly receipt: DeletionReceipt;
  readonly signature: ReceiptSignature;
}

export function subjectReference(subject: string, keys: MasterKeys): string {
  return createHmac("sha256", keys.receipt).update(subject).digest("base64url");
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export type ReceiptSigner = { readonly privateKey: KeyObject } | { readonly master: MasterKeys };
export type ReceiptVerifier = { readonly publicKey: KeyObject } | { readonly master: MasterKeys };

export function signReceipt(receipt: DeletionReceipt, signer: ReceiptSigner): AuditEntry {
  const payload = Buffer.from(JSON.stringify(receipt));
  if ("master" in signer) {
    const value = createHmac("sha256", signer.master.receipt).update(payload).digest("base64url");
    return { receipt, signature: { kind: "hmac-sha256", value } };
  }
  const kind = keyTypeOf(signer.privateKey);
  const value = sign(hashFor(kind), payload, signer.privateKey).toString("base64url");
  return { receipt, signature: { kind, value } };
}

function signatureValid(entry: AuditEntry, verifier: ReceiptVerifier): boolean {
  const payload = Buffer.from(JSON.stringify(entry.receipt));
  const value = Buffer.from(entry.signature.value, "base64url");
  if ("master" in verifier) {
    if (entry.signature.kind !== "hmac-sha256") return false;
    const expected = createHmac("sha256", verifier.master.receipt).update(payload).digest();
    return expected.length === value.length && timingSafeEqual(expected, value);
  }
  const kind = keyTypeOf(verifier.publicKey);
  if (entry.signature.kind !== kind) return false;
  return verify(hashFor(kind), payload, verifier.publicKey, value);
}

function parseLine(line: string, n: number): AuditEntry {
  let entry: AuditEntry;
  try {
    entry = JSON.parse(line) as AuditEntry;
  } catch (cause) {
    throw new MlsecError("E_DATA_FORMAT", `audit log line ${n} is not JSON`, { cause });
  }
  if (
    entry?.receipt?.type !== RECEIPT_TYPE ||
    typeof entry.receipt.prev !== "string" ||
    typeof entry.signature?.value !== "string"
  ) {
    throw new MlsecError("E_DATA_FORMAT", `audit log line ${n} is not a deletion receipt`);
  }
  return entry;
}

function lines(log: string): string[] {
  return log.split("\n").filter((l) => l.trim() !== "");
}

/** The hash the next receipt must carry in `prev`. */
export function chainHead(log: string): string {
  const all = lines(log);
  return all.length === 0 ? GENESIS : sha256Hex(all[all.length - 1]);
}

/** The log with the entry appended (one JSON line). */
export function appendEntry(log: string, entry: AuditEntry): string {
  const prefix = log === "" || log.endsWith("\n") ? log : `${log}\n`;
  return `${prefix}${JSON.stringify(entry)}\n`;
}

export interface LogCheck {
  readonly entries: number;
  readonly valid: boolean;
  /** Per line: what is wrong, if anything. */
  readonly problems: readonly { readonly line: number; readonly problem: string }[];
  readonly receipts: readonly DeletionReceipt[];
}

/** Checks the hash chain and every signature. */
export function verifyAuditLog(log: string, verifier: ReceiptVerifier): LogCheck {
  const all = lines(log);
  const problems: { line: number; problem: string }[] = [];
  const receipts: DeletionReceipt[] = [];
  let prev = GENESIS;
  all.forEach((line, i) => {
    const entry = parseLine(line, i + 1);
    receipts.push(entry.receipt);
    if (entry.receipt.prev !== prev) {
      problems.push({
        line: i + 1,
        problem: "hash chain broken (an earlier entry was removed or edited)",
      });
    }
    if (!signatureValid(entry, verifier)) {
      problems.push({ line: i + 1, problem: "signature does not verify" });
    }
    prev = sha256Hex(line);
  });
  return { entries: all.length, valid: problems.length === 0, problems, receipts };
}
