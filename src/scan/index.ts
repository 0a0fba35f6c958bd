// Public surface of the model-file scanner.
export { DEFAULT_SCAN_LIMITS, type ScanLimits } from "./context.js";
export { detectFormat, type FormatName } from "./detect.js";
export {
  type Finding,
  type FindingLocation,
  SEVERITIES,
  type Severity,
  type Verdict,
  verdictOf,
} from "./findings.js";
export { scanPathsParallel } from "./parallel.js";
export { pickleFindings } from "./pickle/findings.js";
export { tracePickle } from "./pickle/machine.js";
export {
  DEFAULT_PICKLE_LIMITS,
  type PickleCall,
  type PickleImport,
  type PickleLimits,
  type PickleMutation,
  type PickleStatus,
  type PickleTrace,
} from "./pickle/trace.js";
export { DEFAULT_POLICY } from "./rules/default-policy.js";
export { loadPolicy, parsePolicy } from "./rules/load-policy.js";
export {
  classifyImport,
  type DenyRule,
  extendPolicy,
  type ImportClass,
  type ScanPolicy,
} from "./rules/policy.js";
export { toSarif } from "./sarif.js";
export {
  type FileReport,
  listFiles,
  type ScanOptions,
  type ScanResult,
  type ScanSummary,
  scanBytes,
  scanFile,
  scanPaths,
  scanSourceReport,
  summarize,
} from "./scan-file.js";
export { type ByteSource, fileSource, memorySource } from "./source.js";
