// Per-subject data keys wrapped by a master key (the envelope pattern of NIST SP 800-57 key
// hierarchies): every data subject gets a random AES-256 key; the key table stores it wrapped
// with AES-256-GCM under a key-encryption key derived from the master key (HKDF-SHA-256,
// RFC 5869), bound to the table and the subject as associated data. Destroying a subject's
// wrapped key makes all of its ciphertexts unreadable: crypto-shredding. The table carries an
// HMAC so a wrong master key or an edited table is refused before anything is decrypted.

import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { MlsecError } from "../../core/index.js";

export const KEY_TABLE_FORMAT = "mlsec-pii-key-table/v1";

export interface SubjectKeyEntry {
  /** base64url(nonce ‖ wrapped key ‖ tag). */
  readonly wrapped: string;
  readonly created: string;
}

export interface KeyTable {
  readonly format: typeof KEY_TABLE_FORMAT;
  /** Random id of this table (associated data of every wrap and field ciphertext). */
  readonly tableId: string;
  /** Identifies the master key without revealing it: first 16 bytes of SHA-256, hex. */
  readonly masterKeyId: string;
  readonly subjects: Readonly<Record<string, SubjectKeyEntry>>;
  /** HMAC-SHA-256 over the canonical JSON of everything above, base64url. */
  readonly mac: string;
}

export interface MasterKeys {
  readonly id: string;
  readonly kek: Buffer;
  readonly mac: Buffer;
  /** Keys the subject references in deletion receipts (HMAC), so logs hold no identifiers. */
  readonly receipt: Buffer;
}

const MIN_MASTER_BYTES = 32;

export function deriveMasterKeys(master: Buffer): MasterKeys {
  if (master.length < MIN_MASTER_BYTES) {
    throw new MlsecError("E_PII_KEY", `the master key has ${master.length} bytes; 32 are needed`, {
      hint: "Create one with `openssl rand -hex 32 > master.key`.",
    });
  }
  const sub = (info: string) =>
    Buffer.from(hkdfSync("sha256", master, Buffer.from("mlsec-pii-vault-v1"), info, 32));
  return {
    id: createHash("sha256").update("mlsec-pii-vault-id").update(master).digest("hex").slice(0, 32),
    kek: sub("kek"),
    mac: sub("key-table-mac"),
    receipt: sub("receipt"),
  };
}

function canonicalBody(t: Omit<KeyTable, "mac">): string {
  const subjects = Object.keys(t.subjects)
    .sort()
    .map((s) => [s, t.subjects[s].wrapped, t.subjects[s].created]);
  return JSON.stringify([t.format, t.tableId, t.masterKeyId, subjects]);
}

function macOf(t: Omit<KeyTable, "mac">, keys: MasterKeys): string {
  return createHmac("sha256", keys.mac).update(canonicalBody(t)).digest("base64url");
}

function sealTable(body: Omit<KeyTable, "mac">, keys: MasterKeys): KeyTable {
  return { ...body, mac: macOf(body, keys) };
}

export function emptyKeyTable(keys: MasterKeys): KeyTable {
  return sealTable(
    {
      format: KEY_TABLE_FORMAT,
      tableId: randomBytes(16).toString("hex"),
      masterKeyId: keys.id,
      subjects: {},
    },
    keys,
  );
}

/** Parses and authenticates a key table with the master keys. */
export function openKeyTable(value: unknown, keys: MasterKeys): KeyTable {
  const t = value as Partial<KeyTable> | null;
  if (
    t === null ||
    typeof t !== "object" ||
    t.format !== KEY_TABLE_FORMAT ||
    typeof t.tableId !== "string" ||
    typeof t.masterKeyId !== "string" ||
    typeof t.mac !== "string" ||
    typeof t.subjects !== "object" ||
    t.subjects === null
  ) {
    throw new MlsecError("E_DATA_FORMAT", `not an ${KEY_TABLE_FORMAT} key table`);
  }
  for (const [s, e] of Object.entries(t.subjects)) {
    if (typeof e?.wrapped !== "string" || typeof e?.created !== "string") {
      throw new MlsecError(
        "E_DATA_FORMAT",
        `key table entry for subject ${JSON.stringify(s)} is malformed`,
      );
    }
  }
  if (t.masterKeyId !== keys.id) {
    throw new MlsecError("E_PII_KEY", "this key table was made with a different master key", {
      hint: "Pass the --key-file used when this key table was created.",
    });
  }
  const table = t as KeyTable;
  const expected = Buffer.from(macOf(table, keys));
  const got = Buffer.from(table.mac);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) {
    throw new MlsecError(
      "E_PII_KEY",
      "the key table's MAC does not verify: it was edited or is corrupt",
    );
  }
  return table;
}

function wrapAad(tableId: string, subject: string): Buffer {
  return Buffer.from(JSON.stringify(["wrap", tableId, subject]));
}

/** Adds a fresh key for each new subject; returns the new table and every subject's key. */
export function ensureSubjects(
  table: KeyTable,
  subjects: Iterable<string>,
  keys: MasterKeys,
  now: Date,
): { table: KeyTable; dataKeys: Map<string, Buffer> } {
  const entries: Record<string, SubjectKeyEntry> = { ...table.subjects };
  const dataKeys = new Map<string, Buffer>();
  for (const s of subjects) {
    if (dataKeys.has(s)) continue;
    const existing = entries[s];
    if (existing !== undefined) {
      dataKeys.set(s, unwrapSubjectKey(table, s, keys));
      continue;
    }
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", keys.kek, nonce);
    cipher.setAAD(wrapAad(table.tableId, s));
    const body = Buffer.concat([cipher.update(key), cipher.final(), cipher.getAuthTag()]);
    entries[s] = {
      wrapped: Buffer.concat([nonce, body]).toString("base64url"),
      created: now.toISOString(),
    };
    dataKeys.set(s, key);
  }
  const { mac: _, ...body } = table;
  return { table: sealTable({ ...body, subjects: entries }, keys), dataKeys };
}

/** The subject's data key; E_PII_SUBJECT when the subject was forgotten (or never existed). */
export function unwrapSubjectKey(table: KeyTable, subject: string, keys: MasterKeys): Buffer {
  const entry = table.subjects[subject];
  if (entry === undefined) {
    throw new MlsecError("E_PII_SUBJECT", `subject ${JSON.stringify(subject)} has no key`);
  }
  const raw = Buffer.from(entry.wrapped, "base64url");
  try {
    const decipher = createDecipheriv("aes-256-gcm", keys.kek, raw.subarray(0, 12));
    decipher.setAAD(wrapAad(table.tableId, subject));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
  } catch (cause) {
    throw new MlsecError(
      "E_PII_KEY",
      `the key of subject ${JSON.stringify(subject)} does not unwrap`,
      {
        cause,
      },
    );
  }
}

/** Crypto-shredding: the table without the subject's wrapped key. */
export function forgetSubject(table: KeyTable, subject: string, keys: MasterKeys): KeyTable {
  if (table.subjects[subject] === undefined) {
    throw new MlsecError(
      "E_PII_SUBJECT",
      `subject ${JSON.stringify(subject)} is not in the key table (unknown or already forgotten)`,
    );
  }
  const { [subject]: _, ...rest } = table.subjects;
  const { mac: __, ...body } = table;
  return sealTable({ ...body, subjects: rest }, keys);
}

/** SHA-256 of the table's canonical form, hex: what a receipt records before and after. */
export function keyTableDigest(table: KeyTable): string {
  return createHash("sha256").update(canonicalBody(table)).digest("hex");
}
