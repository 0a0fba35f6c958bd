// The gradient every gradient explainer uses: d log p_c / dx, read off the model's
// cross-entropy input gradient. With label c, CE = −log p_c, so d log p_c/dx = −d CE/dx.
// (A logit's own gradient is not reachable through lossGradient; log p_c = z_c − logsumexp z
// is the class score explained here, and d p_c/dx = p_c · d log p_c/dx if the probability is wanted.)

import { type Differentiable, MlsecError, type Tensor } from "../core/index.js";
import { checkClass } from "./model-output.js";

export interface ClassGradient {
  /** d log p_c / dx, same shape as x. */
  readonly gradient: Float32Array;
  /** log p_c per row. */
  readonly logProb: Float64Array;
}

/** One batched autodiff call for all rows of x (the classifier batches internally). */
export async function classLogProbGradient(
  model: Differentiable,
  x: Tensor,
  classIndex: number,
): Promise<ClassGradient> {
  checkClass(model, classIndex);
  const n = x.shape[0];
  const labels = new Int32Array(n).fill(classIndex);
  const { loss, gradient } = await model.lossGradient(x, labels, "cross-entropy");
  const g = new Float32Array(gradient.data.length);
  for (let i = 0; i < g.length; i++) g[i] = -gradient.data[i];
  const logProb = new Float64Array(n);
  for (let i = 0; i < n; i++) logProb[i] = -loss[i];
  return { gradient: g, logProb };
}

/** Checks that a single sample has the model's per-sample shape. */
export function checkSample(model: Differentiable, x: Float32Array): void {
  const d = model.inputShape.reduce((a, b) => a * b, 1);
  if (x.length !== d) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `sample has ${x.length} values, the model expects [${model.inputShape.join(", ")}]`,
    );
  }
}
