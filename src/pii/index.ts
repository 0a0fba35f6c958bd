export {
  type AnalyzeOptions,
  analyze,
  DEFAULT_MAX_LINE_LENGTH,
  DEFAULT_MAX_TEXT_LENGTH,
  DEFAULT_MIN_SCORE,
} from "./analyzer.js";
export * from "./anonymizers/index.js";
export {
  type EvaluateOptions,
  type EvaluationResult,
  evaluateSpans,
  fromPresidioDataset,
  type LabelledSpan,
  type LabelledText,
  mergeAdjacent,
  PRESIDIO_LABEL_MAP,
  type TypeScores,
} from "./evaluate.js";
export { codePointOffsets, utf16Offsets } from "./offsets.js";
export { resolveOverlaps } from "./overlaps.js";
export * from "./recognizers/index.js";
export * from "./tabular/index.js";
export {
  ENTITY_TYPES,
  type EntityType,
  type Finding,
  isEntityType,
  type OffsetUnit,
  type RawFinding,
  type Recognizer,
} from "./types.js";
export * from "./vault/index.js";
