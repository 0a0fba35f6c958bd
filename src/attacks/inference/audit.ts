// Membership-inference audit: score equal numbers of members (training data) and
// non-members with one attack and summarise the attack's ROC (AUC, TPR at low FPR,
// membership advantage), as reported by Carlini et al. 2022 ("Membership Inference Attacks
// From First Principles") and ML Privacy Meter.

import {
  type Classifier,
  MlsecError,
  type ProgressListener,
  type Rng,
  type Tensor,
  takeRows,
} from "../../core/index.js";
import { type MembershipScore, membershipScores, type ScoredSamples } from "./loss-threshold.js";
import { downsampleRoc, membershipAdvantage, rocAuc, rocCurve, tprAtFpr } from "./roc.js";

export interface LabelledSamples {
  readonly x: Tensor;
  readonly y: Int32Array;
}

export interface AuditOptions {
  readonly attack: MembershipScore;
  /** FPRs at which to report TPR (default 0.001 and 0.01). */
  readonly fprs?: readonly number[];
  /** Most points kept of the ROC curve (default 101). */
  readonly rocPoints?: number;
  readonly batchSize?: number;
  readonly onProgress?: ProgressListener;
}

/** Score-only attacks (loss, confidence) and the shadow-model attacks (shadow, offline lira). */
export type AuditAttack = MembershipScore | "shadow" | "lira";

export interface AuditResult {
  readonly attack: AuditAttack;
  readonly members: number;
  readonly nonMembers: number;
  readonly auc: number;
  /** Keyed by the FPR as written by `String(fpr)`, e.g. "0.001". */
  readonly tprAtFpr: Readonly<Record<string, number>>;
  readonly advantage: number;
  /** Model accuracy on the members and on the non-members (the generalisation gap). */
  readonly memberAccuracy: number;
  readonly nonMemberAccuracy: number;
  /** [fpr, tpr] pairs, downsampled, from [0, 0] to [1, 1]. */
  readonly roc: readonly (readonly [number, number])[];
}

/**
 * Row indices for a balanced audit: n = min(members, non-members, limit) rows drawn without
 * replacement from each set (a seeded partial Fisher–Yates shuffle), in sampled order.
 */
export function balancedSample(
  members: number,
  nonMembers: number,
  rng: Rng,
  limit = Number.POSITIVE_INFINITY,
): { members: Int32Array; nonMembers: Int32Array } {
  const n = Math.min(members, nonMembers, limit);
  if (!(n >= 1)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      "an audit needs at least one member and one non-member",
      {
        details: { members, nonMembers, limit },
      },
    );
  }
  const draw = (total: number): Int32Array => {
    const pool = Int32Array.from({ length: total }, (_, i) => i);
    for (let i = 0; i < n; i++) {
      const j = i + rng.int(total - i);
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.slice(0, n);
  };
  return { members: draw(members), nonMembers: draw(nonMembers) };
}

/** Runs one membership-inference attack on the given members and non-members, as given. */
export async function auditMembership(
  model: Classifier,
  members: LabelledSamples,
  nonMembers: LabelledSamples,
  options: AuditOptions,
): Promise<AuditResult> {
  const scoreOptions = { batchSize: options.batchSize, onProgress: options.onProgress };
  const m = await membershipScores(model, members.x, members.y, options.attack, scoreOptions);
  const n = await membershipScores(model, nonMembers.x, nonMembers.y, options.attack, scoreOptions);
  return summariseAudit(options.attack, m, n, options);
}

/** ROC summary of an attack's scores on members (m) and non-members (n). */
export function summariseAudit(
  attack: AuditAttack,
  m: ScoredSamples,
  n: ScoredSamples,
  options: { readonly fprs?: readonly number[]; readonly rocPoints?: number } = {},
): AuditResult {
  const fprs = options.fprs ?? [0.001, 0.01];
  const curve = rocCurve(m.scores, n.scores);
  return {
    attack,
    members: m.scores.length,
    nonMembers: n.scores.length,
    auc: rocAuc(m.scores, n.scores),
    tprAtFpr: Object.fromEntries(fprs.map((f) => [String(f), tprAtFpr(curve, f)])),
    advantage: membershipAdvantage(curve),
    memberAccuracy: m.accuracy,
    nonMemberAccuracy: n.accuracy,
    roc: downsampleRoc(curve, options.rocPoints ?? 101).map((p) => [p.fpr, p.tpr] as const),
  };
}

/** `auditMembership` on a seeded, balanced sample of both sets (see `balancedSample`). */
export async function auditMembershipSampled(
  model: Classifier,
  members: LabelledSamples,
  nonMembers: LabelledSamples,
  rng: Rng,
  options: AuditOptions & { readonly limit?: number },
): Promise<AuditResult> {
  const rows = balancedSample(members.y.length, nonMembers.y.length, rng, options.limit);
  const pick = (s: LabelledSamples, r: Int32Array): LabelledSamples => ({
    x: takeRows(s.x, r),
    y: Int32Array.from(r, (i) => s.y[i]),
  });
  return auditMembership(
    model,
    pick(members, rows.members),
    pick(nonMembers, rows.nonMembers),
    options,
  );
}
