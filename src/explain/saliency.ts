// Saliency maps (Simonyan, Vedaldi & Zisserman 2014, "Deep Inside Convolutional Networks",
// §3.1): |∂S_c/∂x|, here with S_c = log p_c (see class-gradient.ts).

import type { Differentiable } from "../core/index.js";
import { checkSample, classLogProbGradient } from "./class-gradient.js";

export interface GradientExplanation {
  readonly attributions: Float64Array;
  /** log p_c at x. */
  readonly prediction: number;
  readonly classIndex: number;
}

export async function saliency(
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
  return {
    attributions: Float64Array.from(gradient, Math.abs),
    prediction: logProb[0],
    classIndex,
  };
}
