// Public surface of input preprocessors: squeezers and transforms, the BPDA/EOT wrapper, and
// the with/without evaluation under adaptive attacks.

export { bitDepth } from "./bit-depth.js";
export {
  evaluatePreprocessor,
  type PreprocessEvalOptions,
  type PreprocessEvaluation,
} from "./evaluate.js";
export { gaussianNoise } from "./gaussian-noise.js";
export { jpegCompression } from "./jpeg.js";
export { medianFilter } from "./median-filter.js";
export { PREPROCESSOR_NAMES, parsePreprocessor } from "./parse.js";
export { type PreprocessedOptions, withPreprocessor } from "./preprocessed-classifier.js";
export type { Preprocessor } from "./types.js";
