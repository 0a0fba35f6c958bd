// The audit's membership-inference check: the loss-threshold attack (Yeom et al. 2018,
// arXiv:1709.01604) on equal numbers of training members and test non-members, summarised by
// its ROC (Carlini et al. 2022, arXiv:2112.03570: AUC and TPR at low FPR).

import type { Classifier, Rng, Tensor } from "../core/index.js";
import type { AuditProfile } from "./profiles.js";
import type { AuditFinding, AuditSections } from "./types.js";

type Labelled = { x: Tensor; y: Int32Array };

export async function membershipSection(
  classifier: Classifier,
  members: Labelled,
  nonMembers: Labelled,
  profile: AuditProfile,
  rng: Rng,
  sections: AuditSections,
  findings: AuditFinding[],
): Promise<void> {
  const { auditMembershipSampled } = await import("../attacks/inference/index.js");
  const r = await auditMembershipSampled(classifier, members, nonMembers, rng, {
    attack: "loss",
    limit: profile.membershipRows,
  });
  sections.membership = {
    attack: "loss threshold",
    members: r.members,
    nonMembers: r.nonMembers,
    auc: r.auc,
    tprAtFpr: r.tprAtFpr,
    advantage: r.advantage,
    memberAccuracy: r.memberAccuracy,
    nonMemberAccuracy: r.nonMemberAccuracy,
    roc: r.roc,
  };
  if (r.auc > 0.6) {
    findings.push({
      id: "privacy.membership",
      section: "membership",
      severity: r.auc > 0.75 ? "high" : "medium",
      title: `Training members are distinguishable (membership AUC ${r.auc.toFixed(3)})`,
      detail: `loss-threshold attack on ${r.members} members and ${r.nonMembers} non-members; member accuracy ${(100 * r.memberAccuracy).toFixed(1)}% vs ${(100 * r.nonMemberAccuracy).toFixed(1)}%`,
      command: "mlsec privacy audit",
    });
  }
}
