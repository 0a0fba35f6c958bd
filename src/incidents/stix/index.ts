export { type ExportOptions, exportBundle, indicatorPattern } from "./export.js";
export {
  type ImportOptions,
  type ImportResult,
  importBundle,
  indicatorFromPattern,
} from "./import.js";
export {
  DEFAULT_PARSE_LIMITS,
  objectProblem,
  type ParseLimits,
  parseBundle,
  parseJsonBounded,
} from "./parse.js";
export {
  FREE_TEXT_PROPERTIES,
  prepareForSharing,
  type Redactor,
  type ShareOptions,
  type ShareResult,
} from "./share.js";
export { isTlpMarkingId, TLP2_EXTENSION_ID, TLP2_MARKING_IDS, tlpMarking, tlpOf } from "./tlp.js";
export { KNOWN_TYPES, SCO_TYPES, type StixBundle, type StixObject } from "./types.js";
export {
  canonicalJson,
  MLSEC_NAMESPACE,
  STIX_SCO_NAMESPACE,
  scoId,
  stableId,
  uuidV5,
} from "./uuid.js";
