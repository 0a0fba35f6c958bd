export { parseYamlBounded, type YamlBounds } from "./bounded-yaml.js";
export type { Classifier, Differentiable, LossGradient, LossKind } from "./classifier.js";
export { isDifferentiable } from "./classifier.js";
export { ERROR_CODES, type ErrorCode, type ErrorCodeInfo } from "./error-codes.js";
export { isMlsecError, MlsecError, type MlsecErrorOptions, toMlsecError } from "./errors.js";
export { escapeXml } from "./escape-xml.js";
export {
  DEFAULT_MAX_FILE_BYTES,
  readFileBounded,
  sha256OfFile,
  statBounded,
  writeFileAtomic,
  writeFileAtomicFrom,
} from "./files.js";
export { jsonDepth } from "./json-depth.js";
export { solveLinearSystem } from "./linear-solve.js";
export { noProgress, type ProgressEvent, type ProgressListener } from "./progress.js";
export { createRng, type Rng } from "./rng.js";
export { type SchemaIssue, schemaIssueLines } from "./schema-issues.js";
export {
  argmaxRows,
  batchSize,
  concatBatches,
  firstNonFinite,
  sampleShape,
  sizeOf,
  sliceBatch,
  type Tensor,
  takeRows,
  tensor,
} from "./tensor.js";
