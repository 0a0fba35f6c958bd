import { generateKeyPairSync, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MlsecError } from "../../src/core/index.js";
import {
  appendEntry,
  chainHead,
  type DeletionReceipt,
  decryptRecords,
  deriveMasterKeys,
  emptyKeyTable,
  encryptRecords,
  openKeyTable,
  planForget,
  planRetention,
  RECEIPT_TYPE,
  signReceipt,
  subjectReference,
  verifyAuditLog,
} from "../../src/pii/index.js";

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as MlsecError).code;
  }
  return "no error";
};

const master = deriveMasterKeys(randomBytes(32));
const records = [
  { user: "u1", email: "a@x.org", age: 31, created: "2026-01-02" },
  { user: "u2", email: "b@y.org", age: 40, created: "2026-11-01" },
  { user: "u1", email: "a2@x.org", age: 31, created: "2026-11-20" },
];
const spec = { subjectField: "user", fields: ["email", "age"] };

describe("per-subject encryption", () => {
  it("round-trips values with their JSON types; equal values give different ciphertexts", () => {
    const enc = encryptRecords(records, spec, emptyKeyTable(master), master);
    expect(enc.subjects).toBe(2);
    expect(enc.encrypted).toBe(6);
    expect(String(enc.records[0].email)).toMatch(/^vault:v1:/);
    expect(enc.records[0].age).not.toBe(enc.records[2].age);
    expect(enc.records[0].created).toBe("2026-01-02");
    const table = openKeyTable(JSON.parse(JSON.stringify(enc.table)), master);
    expect(decryptRecords(enc.records, "user", table, master).records).toEqual(records);
  });
  it("a ciphertext moved to another subject or field does not decrypt", () => {
    const enc = encryptRecords(records, spec, emptyKeyTable(master), master);
    const swapped = enc.records.map((r) => ({ ...r }));
    swapped[1].email = swapped[0].email;
    expect(code(() => decryptRecords(swapped, "user", enc.table, master))).toBe("E_PII_KEY");
    const moved = enc.records.map((r) => ({ ...r, age: r.email }));
    expect(code(() => decryptRecords(moved, "user", enc.table, master))).toBe("E_PII_KEY");
  });
  it("a wrong master key or an edited key table is refused", () => {
    const enc = encryptRecords(records, spec, emptyKeyTable(master), master);
    const other = deriveMasterKeys(randomBytes(32));
    expect(code(() => openKeyTable(enc.table, other))).toBe("E_PII_KEY");
    const edited = { ...enc.table, subjects: { u2: enc.table.subjects.u2 } };
    expect(code(() => openKeyTable(edited, master))).toBe("E_PII_KEY");
    expect(code(() => deriveMasterKeys(randomBytes(16)))).toBe("E_PII_KEY");
  });
  it("hostile key-table JSON is a typed error, never a crash", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(["E_DATA_FORMAT", "E_PII_KEY"]).toContain(code(() => openKeyTable(value, master)));
      }),
    );
  });
});

describe("forget and retention", () => {
  it("forget destroys the key: other copies of the subject's data no longer decrypt", () => {
    const enc = encryptRecords(records, spec, emptyKeyTable(master), master);
    const plan = planForget(enc.records, "user", "u1", enc.table, master);
    expect(plan.removed).toBe(2);
    expect(plan.records.map((r) => r.user)).toEqual(["u2"]);
    expect(plan.table.subjects.u1).toBeUndefined();
    // A backup still holding u1's ciphertexts: u1's records are gone, u2's still decrypt.
    const restored = decryptRecords(enc.records, "user", plan.table, master);
    expect(restored.forgotten).toBe(2);
    expect(restored.records).toEqual([records[1]]);
    expect(code(() => planForget(plan.records, "user", "u1", plan.table, master))).toBe(
      "E_PII_SUBJECT",
    );
  });
  it("retention drops old records and shreds subjects left without any", () => {
    const enc = encryptRecords(records, spec, emptyKeyTable(master), master);
    const now = new Date("2026-11-28T00:00:00Z");
    const plan = planRetention(enc.records, "user", "created", 30, now, enc.table, master);
    expect(plan.removed).toBe(1);
    expect(plan.forgotten).toEqual([]); // u1 still has a recent record
    const later = planRetention(enc.records, "user", "created", 1, now, enc.table, master);
    expect(later.forgotten).toEqual(["u1", "u2"]);
    const bad = [{ ...enc.records[0], created: "last tuesday" }];
    expect(code(() => planRetention(bad, "user", "created", 1, now, enc.table, master))).toBe(
      "E_DATA_FORMAT",
    );
  });
});

describe("deletion receipts", () => {
  const receipt = (prev: string, n: number): DeletionReceipt => ({
    type: RECEIPT_TYPE,
    action: "forget",
    time: `2026-11-28T00:00:0${n}Z`,
    subjects: [subjectReference(`u${n}`, master)],
    keysDestroyed: 1,
    keyTable: { tableId: "t", digestBefore: "a", digestAfter: "b" },
    prev,
  });
  it("HMAC and Ed25519/ECDSA receipts chain and verify; edits and removals are caught", () => {
    for (const type of ["ed25519", "ec"] as const) {
      const pair =
        type === "ed25519"
          ? generateKeyPairSync("ed25519")
          : generateKeyPairSync("ec", { namedCurve: "prime256v1" });
      let log = "";
      for (let n = 1; n <= 3; n++) {
        log = appendEntry(
          log,
          signReceipt(receipt(chainHead(log), n), { privateKey: pair.privateKey }),
        );
      }
      expect(verifyAuditLog(log, { publicKey: pair.publicKey }).valid).toBe(true);
      const lines = log.trim().split("\n");
      const removed = [lines[0], lines[2]].join("\n");
      expect(verifyAuditLog(removed, { publicKey: pair.publicKey }).problems).toHaveLength(1);
      const edited = log.replace('"keysDestroyed":1', '"keysDestroyed":0');
      expect(verifyAuditLog(edited, { publicKey: pair.publicKey }).valid).toBe(false);
    }
    let log = "";
    log = appendEntry(log, signReceipt(receipt(chainHead(log), 1), { master }));
    expect(verifyAuditLog(log, { master }).valid).toBe(true);
    expect(verifyAuditLog(log, { master: deriveMasterKeys(randomBytes(32)) }).valid).toBe(false);
  });
  it("receipts name subjects only by keyed reference", () => {
    // An identifier with characters base64url lacks: a random digest can not contain it by chance.
    const subject = "u1@example.org";
    expect(subjectReference(subject, master)).not.toContain(subject);
    expect(subjectReference(subject, master)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(subjectReference(subject, master)).toBe(subjectReference(subject, master));
  });
});
