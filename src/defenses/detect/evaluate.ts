// How well a detector separates clean inputs from adversarial ones: AUROC (Mann–Whitney),
// TPR at 5% FPR, and the detection and false-alarm rates at the detector's own threshold.

import { rocAuc, rocCurve, tprAtFpr } from "../../attacks/index.js";
import { argmaxRows, type Tensor, takeRows } from "../../core/index.js";
import type { ModelDetector } from "./detector.js";

export interface DetectorEvaluation {
  readonly kind: string;
  readonly clean: number;
  readonly adversarial: number;
  /** Adversarial samples left out because the model still classified them correctly. */
  readonly skippedUnsuccessful: number;
  readonly auroc: number;
  readonly tprAt5Fpr: number;
  readonly threshold: number;
  /** Shares flagged at the detector's threshold. */
  readonly tprAtThreshold: number;
  readonly fprAtThreshold: number;
}

const flaggedShare = (scores: Float32Array, threshold: number) =>
  scores.reduce((n, s) => n + (s > threshold ? 1 : 0), 0) / Math.max(1, scores.length);

/**
 * Scores clean and adversarial inputs. With `adversarialLabels`, only adversarial examples the
 * model misclassifies count (an attack that failed leaves nothing to detect), as in Lee et al.
 * and Ma et al.
 */
export async function evaluateDetector(
  detector: ModelDetector,
  clean: Tensor,
  adversarial: Tensor,
  adversarialLabels?: Int32Array,
): Promise<DetectorEvaluation> {
  let adv = adversarial;
  let skipped = 0;
  if (adversarialLabels !== undefined) {
    const predicted = argmaxRows(await detector.predict(adversarial));
    const keep: number[] = [];
    for (let i = 0; i < predicted.length; i++)
      if (predicted[i] !== adversarialLabels[i]) keep.push(i);
    skipped = predicted.length - keep.length;
    adv = takeRows(adversarial, keep);
  }
  const cleanScores = await detector.score(clean.data, clean.shape);
  const advScores = await detector.score(adv.data, adv.shape);
  const curve = rocCurve(advScores, cleanScores);
  return {
    kind: detector.kind,
    clean: cleanScores.length,
    adversarial: advScores.length,
    skippedUnsuccessful: skipped,
    auroc: rocAuc(advScores, cleanScores),
    tprAt5Fpr: tprAtFpr(curve, 0.05),
    threshold: detector.threshold,
    tprAtThreshold: flaggedShare(advScores, detector.threshold),
    fprAtThreshold: flaggedShare(cleanScores, detector.threshold),
  };
}
