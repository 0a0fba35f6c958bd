// ROC analysis of a membership-inference attack: the ROC curve, its AUC by the Mann–Whitney U
// statistic with ties counted as one half (Hanley & McNeil 1982), TPR at a fixed low FPR
// (Carlini et al. 2022, "Membership Inference Attacks From First Principles", §III) and the
// membership advantage max(TPR − FPR) (Yeom et al. 2018, Definition 4).
//
// Convention throughout: a higher score means "more likely a member", and the attack with
// threshold t predicts "member" exactly when score >= t.

import { MlsecError } from "../../core/index.js";

/** One operating point of the attack: predicting "member" when score >= threshold. */
export interface RocPoint {
  readonly fpr: number;
  readonly tpr: number;
  /** +Infinity for the point (0, 0), where nothing is called a member. */
  readonly threshold: number;
  /** Members and non-members with score >= threshold. */
  readonly truePositives: number;
  readonly falsePositives: number;
}

function checkScores(name: string, scores: ArrayLike<number>): void {
  if (scores.length === 0) {
    throw new MlsecError("E_INVALID_ARGUMENT", `${name}: no scores`, {
      hint: "an audit needs at least one member and one non-member",
    });
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) {
      throw new MlsecError("E_NON_FINITE", `${name}: score ${i} is NaN`, {
        details: { index: i },
      });
    }
  }
}

/** Scores sorted in decreasing order, as a Float64Array. */
function sortedDescending(scores: ArrayLike<number>): Float64Array {
  return Float64Array.from(scores).sort().reverse();
}

/**
 * The full ROC curve: one point per distinct score (all samples with equal scores enter
 * together, so ties give a diagonal step), from (0, 0) at threshold +Infinity to (1, 1).
 */
export function rocCurve(members: ArrayLike<number>, nonMembers: ArrayLike<number>): RocPoint[] {
  checkScores("members", members);
  checkScores("non-members", nonMembers);
  const m = sortedDescending(members);
  const n = sortedDescending(nonMembers);
  const points: RocPoint[] = [
    { fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY, truePositives: 0, falsePositives: 0 },
  ];
  let i = 0;
  let j = 0;
  while (i < m.length || j < n.length) {
    // The next threshold is the largest score not yet counted.
    const t = i < m.length && (j >= n.length || m[i] >= n[j]) ? m[i] : n[j];
    while (i < m.length && m[i] === t) i++;
    while (j < n.length && n[j] === t) j++;
    points.push({
      fpr: j / n.length,
      tpr: i / m.length,
      threshold: t,
      truePositives: i,
      falsePositives: j,
    });
  }
  return points;
}

/**
 * Area under the ROC curve: P(member score > non-member score) + ½ P(equal), computed from
 * mid-ranks in O(N log N). Equals the trapezoidal area under `rocCurve`.
 */
export function rocAuc(members: ArrayLike<number>, nonMembers: ArrayLike<number>): number {
  checkScores("members", members);
  checkScores("non-members", nonMembers);
  const nm = members.length;
  const nn = nonMembers.length;
  const all = new Float64Array(nm + nn);
  const isMember = new Uint8Array(nm + nn);
  for (let i = 0; i < nm; i++) {
    all[i] = members[i];
    isMember[i] = 1;
  }
  for (let j = 0; j < nn; j++) all[nm + j] = nonMembers[j];
  const order = Array.from({ length: all.length }, (_, k) => k).sort((a, b) =>
    all[a] < all[b] ? -1 : all[a] > all[b] ? 1 : 0,
  );
  // Sum of the members' mid-ranks (1-based), then U = rankSum − nm(nm+1)/2.
  let rankSum = 0;
  for (let k = 0; k < order.length; ) {
    let end = k;
    while (end + 1 < order.length && all[order[end + 1]] === all[order[k]]) end++;
    const midRank = (k + end) / 2 + 1;
    for (let r = k; r <= end; r++) if (isMember[order[r]]) rankSum += midRank;
    k = end + 1;
  }
  const u = rankSum - (nm * (nm + 1)) / 2;
  return u / (nm * nn);
}

/**
 * The highest TPR among the curve's points whose FPR is at most `maxFpr` (thresholds only,
 * no randomised mixing of two thresholds). With N non-members, an FPR below 1/N can only be
 * met at FPR 0, so TPR at 0.1% FPR needs about 1,000 non-members to mean more than that.
 */
export function tprAtFpr(curve: readonly RocPoint[], maxFpr: number): number {
  if (!(maxFpr >= 0 && maxFpr <= 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `FPR must lie in [0, 1], got ${maxFpr}`);
  }
  let best = 0;
  for (const p of curve) if (p.fpr <= maxFpr && p.tpr > best) best = p.tpr;
  return best;
}

/**
 * Membership advantage of the best threshold: max over the curve of TPR − FPR (≥ 0), computed
 * from the counts as (TP·N − FP·M) / (M·N) so that it is exact for integer counts.
 */
export function membershipAdvantage(curve: readonly RocPoint[]): number {
  if (curve.length === 0) return 0;
  const last = curve[curve.length - 1];
  const m = last.truePositives;
  const n = last.falsePositives;
  let best = 0;
  for (const p of curve) best = Math.max(best, p.truePositives * n - p.falsePositives * m);
  return best / (m * n);
}

/**
 * At most `maxPoints` points of the curve, evenly spaced along it by index, always keeping
 * the first (0, 0) and last (1, 1) points; the result is still a monotone curve.
 */
export function downsampleRoc(curve: readonly RocPoint[], maxPoints: number): RocPoint[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `maxPoints must be an integer >= 2, got ${maxPoints}`,
    );
  }
  if (curve.length <= maxPoints) return [...curve];
  const out: RocPoint[] = [];
  for (let k = 0; k < maxPoints; k++) {
    out.push(curve[Math.round((k * (curve.length - 1)) / (maxPoints - 1))]);
  }
  return out;
}
