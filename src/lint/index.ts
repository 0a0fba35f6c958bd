export {
  LINT_RULES,
  type LintFinding,
  type LintRuleId,
  type LintSeverity,
  parseSuppression,
} from "./findings.js";
export { type LintResult, lintPaths, MAX_LINT_FILE_BYTES } from "./lint.js";
export { lintPython } from "./python.js";
export { type PyToken, tokenizePython } from "./python-tokens.js";
export { lintToSarif, SARIF_LEVEL } from "./sarif.js";
