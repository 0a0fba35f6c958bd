// Public surface of membership inference: scores, ROC analysis and the audit.

export {
  type AuditAttack,
  type AuditOptions,
  type AuditResult,
  auditMembership,
  auditMembershipSampled,
  balancedSample,
  type LabelledSamples,
  summariseAudit,
} from "./audit.js";
export { type LiraOutStatistics, liraOutStatistics, liraScores } from "./lira.js";
export {
  accuracyOf,
  predictLogits,
  scaledConfidence,
  scaledConfidences,
  shadowFeatures,
} from "./logit-features.js";
export {
  logMaxProbability,
  MEMBERSHIP_SCORES,
  type MembershipScore,
  membershipScores,
  negativeCrossEntropy,
  type ScoredSamples,
  type ScoreOptions,
} from "./loss-threshold.js";
export {
  downsampleRoc,
  membershipAdvantage,
  type RocPoint,
  rocAuc,
  rocCurve,
  tprAtFpr,
} from "./roc.js";
export { fitLogistic, fitShadowAttack, type ShadowAttack } from "./shadow.js";
export {
  auditWithShadowModels,
  type ShadowAuditOptions,
  type ShadowAuditResult,
  withoutRows,
} from "./shadow-audit.js";
export {
  reinitialise,
  type ShadowModel,
  type ShadowTrainingOptions,
  trainShadowModels,
} from "./shadow-models.js";
