// SmoothGrad (Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise"): the mean of
// ∂ log p_c/∂x over n copies of x with Gaussian noise σ = noiseLevel · (max − min) (§3: 10–20%).

import { type Differentiable, MlsecError, type Rng } from "../core/index.js";
import { checkSample, classLogProbGradient } from "./class-gradient.js";
import type { GradientExplanation } from "./saliency.js";

export interface SmoothGradOptions {
  readonly classIndex: number;
  readonly samples?: number;
  /** σ as a fraction of the sample's value range (default 0.15). */
  readonly noiseLevel?: number;
  readonly rng: Rng;
}

export interface SmoothGradExplanation extends GradientExplanation {
  readonly samples: number;
  readonly sigma: number;
}

export async function smoothGrad(
  model: Differentiable,
  x: Float32Array,
  options: SmoothGradOptions,
): Promise<SmoothGradExplanation> {
  checkSample(model, x);
  const n = options.samples ?? 50;
  const level = options.noiseLevel ?? 0.15;
  if (!Number.isInteger(n) || n < 1) {
    throw new MlsecError("E_INVALID_ARGUMENT", `samples must be a positive integer, got ${n}`);
  }
  if (!(level >= 0)) throw new MlsecError("E_INVALID_ARGUMENT", `noise level ${level} < 0`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const sigma = level * (hi - lo);
  const [blo, bhi] = model.bounds;
  const d = x.length;
  // Noisy copies are clipped to the model's input bounds so that they remain valid inputs.
  // Row n is x itself, for log p_c at x in the same call.
  const batch = new Float32Array((n + 1) * d);
  batch.set(x, n * d);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < d; j++) {
      batch[s * d + j] = Math.min(bhi, Math.max(blo, x[j] + sigma * options.rng.normal()));
    }
  }
  const { gradient, logProb } = await classLogProbGradient(
    model,
    { shape: [n + 1, ...model.inputShape], data: batch },
    options.classIndex,
  );
  const attributions = new Float64Array(d);
  for (let s = 0; s < n; s++)
    for (let j = 0; j < d; j++) attributions[j] += gradient[s * d + j] / n;
  return {
    attributions,
    prediction: logProb[n],
    classIndex: options.classIndex,
    samples: n,
    sigma,
  };
}
