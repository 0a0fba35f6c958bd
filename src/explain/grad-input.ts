// Gradient × Input (Shrikumar et al. 2016, "Not Just a Black Box: Learning Important Features
// Through Propagating Activation Differences"): x ⊙ ∂ log p_c/∂x.

import type { Differentiable } from "../core/index.js";
import { checkSample, classLogProbGradient } from "./class-gradient.js";
import type { GradientExplanation } from "./saliency.js";

export async function gradientTimesInput(
  model: Differentiable,
  x: Float32Array,
  classIndex: number,
): Promise<GradientExplanation> {
  checkSample(model, x);
  const { gradient, logProb } = await classLogProbGradient(
    model,
    { shape: [1, ...model.inputShape], data: x },
    classIndex,
  );
  const attributions = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) attributions[i] = x[i] * gradient[i];
  return { attributions, prediction: logProb[0], classIndex };
}
