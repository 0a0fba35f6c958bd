export { type AuditOptions, JUDGED_EPS, PROFILES, runAudit } from "./run.js";
export {
  AUDIT_SEVERITIES,
  type AuditFinding,
  type AuditResult,
  type AuditSections,
  type AuditSeverity,
  type RobustnessPoint,
} from "./types.js";
