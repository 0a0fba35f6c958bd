// Public surface of membership inference: scores, ROC analysis and the audit.

export {
  type AuditOptions,
  type AuditResult,
  auditMembership,
  auditMembershipSampled,
  balancedSample,
  type LabelledSamples,
} from "./audit.js";
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
