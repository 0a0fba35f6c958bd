// Offline likelihood-ratio attack, LiRA (Carlini et al. 2022, "Membership Inference Attacks From
// First Principles", §IV, Alg. 1 offline variant): for each target sample, the logit-scaled
// confidence φ it gets from shadow models NOT trained on it is modelled as a Gaussian N(μ_out,
// σ²_out); the target model's φ is scored by a one-sided test, how far above μ_out it lies in
// units of σ_out. With few shadow models the variance is pooled over all samples ("fixed
// variance", which the paper recommends below 64 shadow models); the score (φ − μ_out)/σ_out is
// monotone in the paper's p-value score.

import { MlsecError } from "../../core/index.js";
import type { LabelledSamples } from "./audit.js";
import { predictLogits, scaledConfidences } from "./logit-features.js";
import type { ShadowModel } from "./shadow-models.js";

export interface LiraOutStatistics {
  /** μ_out per sample. */
  readonly mean: Float64Array;
  /** σ_out pooled over the samples (or per sample with `perSampleVariance`). */
  readonly std: Float64Array;
}

/** μ_out and σ_out of φ over shadow models that never saw the samples. */
export async function liraOutStatistics(
  shadows: readonly ShadowModel[],
  samples: LabelledSamples,
  classes: number,
  perSampleVariance = false,
): Promise<LiraOutStatistics> {
  const k = shadows.length;
  if (k < 1 || (perSampleVariance && k < 2)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `offline LiRA needs at least ${perSampleVariance ? 2 : 1} OUT shadow models, got ${k}`,
    );
  }
  const n = samples.y.length;
  const phis: Float64Array[] = [];
  for (const s of shadows) {
    phis.push(scaledConfidences(await predictLogits(s.classifier, samples.x), samples.y, classes));
  }
  const mean = new Float64Array(n);
  for (const p of phis) for (let i = 0; i < n; i++) mean[i] += p[i] / k;
  const variance = new Float64Array(n);
  for (const p of phis) for (let i = 0; i < n; i++) variance[i] += (p[i] - mean[i]) ** 2;
  const std = new Float64Array(n);
  if (perSampleVariance) {
    for (let i = 0; i < n; i++) std[i] = Math.sqrt(variance[i] / (k - 1)) + 1e-6;
  } else {
    let pooled = 0;
    for (const v of variance) pooled += v;
    // One shadow model gives no spread: the score is then the plain difference φ − μ_out.
    const sigma = k > 1 ? Math.sqrt(pooled / (n * (k - 1))) + 1e-6 : 1;
    std.fill(sigma);
  }
  return { mean, std };
}

/** The offline LiRA score of each sample from the target's φ and the OUT statistics. */
export function liraScores(targetPhi: Float64Array, out: LiraOutStatistics): Float64Array {
  return Float64Array.from(targetPhi, (phi, i) => (phi - out.mean[i]) / out.std[i]);
}
