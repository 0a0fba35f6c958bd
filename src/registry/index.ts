// Public surface of the model registry.
export {
  type AuditBreak,
  type AuditCheckpoint,
  type AuditEntry,
  type AuditOutcome,
  type AuditVerification,
  entryHash,
  GENESIS_HASH,
  verifyAuditRows,
} from "./audit.js";
export { type BlobCrypto, type BlobStore, localBlobStore } from "./blobs.js";
export { canonicalJson, type JsonValue } from "./canonical-json.js";
export { CHECKPOINT_TYPE, type SignedCheckpoint, verifyCheckpoint } from "./checkpoint.js";
export { type PushOptions, RegistryClient } from "./http/client.js";
export {
  CREDENTIALS_ENV,
  credentialsPath,
  loadToken,
  normalizeUrl,
  saveToken,
} from "./http/credentials.js";
export { createRegistryServer, type RegistryServer, type ServerOptions } from "./http/server.js";
export {
  ARTIFACT_KINDS,
  type ArtifactKind,
  type DatasetRef,
} from "./model.js";
export {
  DEFAULT_POLICY,
  type PublishPolicy,
  readTrustedKeys,
  type ScanRecord,
  type SignatureRecord,
} from "./policy.js";
export { isRole, PERMISSIONS, REGISTRY_SCOPE, ROLES, type Role } from "./rbac.js";
export {
  type Alias,
  type CreateInput,
  type ExpiredReport,
  type ListOptions,
  type Model,
  type PublishInput,
  type PublishResult,
  Registry,
  type RegistryOptions,
  type RescanChange,
  type Shown,
  type TokenInfo,
  type Version,
  verifyAuditLog,
} from "./registry.js";
