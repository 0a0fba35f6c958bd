// Public surface of src/artifacts: model manifests, OpenSSF model signing and verification,
// streaming encryption at rest.
export { writeAtomically, writeFileAtomic } from "./atomic.js";
export { BUNDLE_MEDIA_TYPE, type Bundle, parseBundle } from "./bundle.js";
export { IN_TOTO_PAYLOAD_TYPE, pae, paeCompat, pythonBytesRepr } from "./dsse.js";
export {
  defaultWorkers,
  type HashResult,
  type HashTask,
  hashRangeSync,
  hashRanges,
} from "./hash-pool.js";
export {
  describeWrap,
  type KeySource,
  keyId,
  parseKeyFile,
  SCRYPT_DEFAULT_LOG2N,
} from "./key-wrap.js";
export {
  type GeneratedKeyPair,
  generateSigningKey,
  hashFor,
  KEY_TYPES,
  type KeyType,
  keyTypeOf,
  loadPrivateKey,
  loadPublicKey,
  publicKeyHint,
} from "./keys.js";
export {
  buildManifest,
  DEFAULT_SHARD_SIZE,
  diffResources,
  ignoredPaths,
  type Manifest,
  type ManifestDiff,
  type ManifestOptions,
  type Resource,
  rootDigest,
  type Serialization,
  type SerializationMethod,
} from "./manifest.js";
export { type SignOptions, type SignResult, signManifest, signModel } from "./sign.js";
export {
  buildStatement,
  PREDICATE_TYPE,
  parseStatement,
  type SignedManifest,
} from "./statement.js";
export {
  DEFAULT_SEGMENT_SIZE,
  type DecryptOptions,
  decryptFile,
  type EncryptedReader,
  type EncryptOptions,
  encryptFile,
  openEncrypted,
  parseHeader,
  type RekeyOptions,
  rekeyFile,
  type StreamSummary,
} from "./stream-aead.js";
export {
  type BundleVerifier,
  certificateVerifier,
  keyVerifier,
  type SigstoreOptions,
  sigstoreVerifier,
  type VerifiedEnvelope,
} from "./verifiers.js";
export { type VerifyOptions, type VerifyResult, verifyModel } from "./verify.js";
export {
  compareNames,
  DEFAULT_IGNORED,
  type ModelFile,
  type ModelTree,
  walkModel,
} from "./walk.js";
export { parsePemCertificates, verifyCertificateChain } from "./x509.js";
