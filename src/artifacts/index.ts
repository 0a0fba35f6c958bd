export {
  defaultWorkers,
  type HashResult,
  type HashTask,
  hashRangeSync,
  hashRanges,
} from "./hash-pool.js";
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
export {
  compareNames,
  DEFAULT_IGNORED,
  type ModelFile,
  type ModelTree,
  walkModel,
} from "./walk.js";
