export { type AuditProfile, JUDGED_EPS, PROFILES } from "./profiles.js";
export { type AuditOptions, runAudit } from "./run.js";
export {
  AUDIT_SEVERITIES,
  type AuditFinding,
  type AuditResult,
  type AuditSections,
  type AuditSeverity,
  type RobustnessPoint,
} from "./types.js";
