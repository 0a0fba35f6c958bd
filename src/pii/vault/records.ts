// Field-level encryption of records with their subject's data key: AES-256-GCM (NIST SP
// 800-38D) with a random 96-bit nonce, the table id, subject and field name as associated data
// (a ciphertext moved to another subject or field no longer decrypts). A value is stored as the
// token `vault:v1:` + base64url(nonce ‖ ciphertext ‖ tag) of its JSON text, so JSONL numbers
// and objects come back with their types.

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { MlsecError } from "../../core/index.js";
import { ensureSubjects, type KeyTable, type MasterKeys, unwrapSubjectKey } from "./key-table.js";

export type VaultRecord = Record<string, unknown>;

export const VAULT_TOKEN_PREFIX = "vault:v1:";

export interface VaultFields {
  /** The field naming the data subject (kept in clear: deletion and retention find records by it). */
  readonly subjectField: string;
  /** The fields encrypted. */
  readonly fields: readonly string[];
}

function aad(tableId: string, subject: string, field: string): Buffer {
  return Buffer.from(JSON.stringify(["field", tableId, subject, field]));
}

function subjectOf(record: VaultRecord, field: string, index: number): string {
  const s = record[field];
  if (typeof s === "string" && s !== "") return s;
  if (typeof s === "number" && Number.isFinite(s)) return String(s);
  throw new MlsecError(
    "E_DATA_FORMAT",
    `record ${index + 1} has no subject id in field "${field}"`,
    { hint: "Every record needs a non-empty subject id (--subject-field)." },
  );
}

function checkFields(spec: VaultFields): void {
  if (spec.fields.length === 0) throw new MlsecError("E_USAGE", "name the fields to encrypt");
  if (spec.fields.includes(spec.subjectField)) {
    throw new MlsecError(
      "E_USAGE",
      "the subject field stays in clear; do not list it in the encrypted fields",
    );
  }
}

export interface EncryptResult {
  readonly records: VaultRecord[];
  readonly table: KeyTable;
  readonly subjects: number;
  readonly encrypted: number;
}

export function encryptRecords(
  records: readonly VaultRecord[],
  spec: VaultFields,
  table: KeyTable,
  keys: MasterKeys,
  now: Date = new Date(),
): EncryptResult {
  checkFields(spec);
  const subjects = records.map((r, i) => subjectOf(r, spec.subjectField, i));
  const { table: next, dataKeys } = ensureSubjects(table, subjects, keys, now);
  let encrypted = 0;
  const out = records.map((r, i) => {
    const subject = subjects[i];
    const copy: VaultRecord = { ...r };
    for (const f of spec.fields) {
      if (!(f in r) || r[f] === null || r[f] === undefined) continue;
      if (typeof r[f] === "string" && (r[f] as string).startsWith(VAULT_TOKEN_PREFIX)) continue;
      const nonce = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", dataKeys.get(subject)!, nonce);
      cipher.setAAD(aad(next.tableId, subject, f));
      const body = Buffer.concat([
        cipher.update(JSON.stringify(r[f]), "utf8"),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      copy[f] = VAULT_TOKEN_PREFIX + Buffer.concat([nonce, body]).toString("base64url");
      encrypted++;
    }
    return copy;
  });
  return { records: out, table: next, subjects: dataKeys.size, encrypted };
}

export interface DecryptResult {
  readonly records: VaultRecord[];
  readonly decrypted: number;
  /** Records left out because their subject's key was destroyed. */
  readonly forgotten: number;
}

/** Decrypts every token; records of forgotten subjects are dropped (their data is gone). */
export function decryptRecords(
  records: readonly VaultRecord[],
  subjectField: string,
  table: KeyTable,
  keys: MasterKeys,
): DecryptResult {
  const cache = new Map<string, Buffer | null>();
  let decrypted = 0;
  let forgotten = 0;
  const out: VaultRecord[] = [];
  records.forEach((r, i) => {
    const subject = subjectOf(r, subjectField, i);
    let key = cache.get(subject);
    if (key === undefined) {
      key = table.subjects[subject] === undefined ? null : unwrapSubjectKey(table, subject, keys);
      cache.set(subject, key);
    }
    if (key === null) {
      forgotten++;
      return;
    }
    const copy: VaultRecord = { ...r };
    for (const [f, v] of Object.entries(r)) {
      if (typeof v !== "string" || !v.startsWith(VAULT_TOKEN_PREFIX)) continue;
      const raw = Buffer.from(v.slice(VAULT_TOKEN_PREFIX.length), "base64url");
      try {
        if (raw.length < 28) throw new Error("token too short");
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
        decipher.setAAD(aad(table.tableId, subject, f));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        const plain = Buffer.concat([
          decipher.update(raw.subarray(12, raw.length - 16)),
          decipher.final(),
        ]).toString("utf8");
        copy[f] = JSON.parse(plain);
      } catch (cause) {
        throw new MlsecError(
          "E_PII_KEY",
          `record ${i + 1} field "${f}" does not decrypt with subject ${JSON.stringify(subject)}'s key`,
          { cause, hint: "The record was altered or encrypted with another key table." },
        );
      }
      decrypted++;
    }
    out.push(copy);
  });
  return { records: out, decrypted, forgotten };
}

/** Indices of the records of one subject. */
export function recordsOf(
  records: readonly VaultRecord[],
  subjectField: string,
  subject: string,
): number[] {
  const out: number[] = [];
  records.forEach((r, i) => {
    if (subjectOf(r, subjectField, i) === subject) out.push(i);
  });
  return out;
}
