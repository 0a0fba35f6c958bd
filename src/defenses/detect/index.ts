// Public surface of input detectors: the InputDetector contract and loadDetector (used by the
// serving gateway), fitting and evaluation, the detector file format, and the query-stream
// detector.

export {
  combineLayerScores,
  deterministicSqueezer,
  type InputDetector,
  loadDetector,
  type ModelDetector,
  modelPathOf,
  type OpenOptions,
  openDetector,
  sha256Hex,
} from "./detector.js";
export { type DetectorEvaluation, evaluateDetector } from "./evaluate.js";
export { ensembleLayers, type Features, featuresOf } from "./features.js";
export {
  type FitInput,
  type FitOptions,
  fitDetector,
  serializeDetector,
  thresholdAtFpr,
} from "./fit.js";
export {
  DETECTOR_FORMAT,
  DETECTOR_KINDS,
  DETECTOR_VERSION,
  type DetectorFile,
  type DetectorFileInput,
  type DetectorKind,
  MAX_DETECTOR_BYTES,
  parseDetectorFile,
} from "./format.js";
export {
  type KernelDensityParams,
  kernelDensityScores,
  medianPairDistance,
} from "./kernel-density.js";
export { type LidParams, lidScores } from "./lid.js";
export {
  fitMahalanobis,
  inverseSpd,
  type MahalanobisParams,
  mahalanobisScores,
} from "./mahalanobis.js";
export { hasDropout, McDropout, withDropoutActive } from "./mc-dropout.js";
export * from "./query-stream.js";
export { softmaxRows, squeezeScores } from "./squeeze.js";
