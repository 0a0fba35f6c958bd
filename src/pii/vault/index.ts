export { type DeletionPlan, planForget, planRetention, type RetentionPlan } from "./deletion.js";
export {
  deriveMasterKeys,
  emptyKeyTable,
  forgetSubject,
  KEY_TABLE_FORMAT,
  type KeyTable,
  keyTableDigest,
  type MasterKeys,
  openKeyTable,
} from "./key-table.js";
export {
  type AuditEntry,
  appendEntry,
  chainHead,
  type DeletionReceipt,
  type LogCheck,
  RECEIPT_TYPE,
  type ReceiptSigner,
  type ReceiptVerifier,
  sha256Hex,
  signReceipt,
  subjectReference,
  verifyAuditLog,
} from "./receipts.js";
export {
  type DecryptResult,
  decryptRecords,
  type EncryptResult,
  encryptRecords,
  VAULT_TOKEN_PREFIX,
  type VaultFields,
  type VaultRecord,
} from "./records.js";
