// Integrated Gradients (Sundararajan, Taly & Yan 2017, "Axiomatic Attribution for Deep
// Networks", §3 and the Riemann approximation of §5) of log p_c, with the convergence delta
// Σ φ_i − (f(x) − f(x')) that Captum reports; completeness (Prop. 1) makes it 0 in the limit.

import { type Differentiable, MlsecError } from "../core/index.js";
import { checkSample, classLogProbGradient } from "./class-gradient.js";
import { type QuadratureRule, quadrature } from "./quadrature.js";

export interface IntegratedGradientsOptions {
  readonly classIndex: number;
  /** The reference input x' (default: all zeros, clipped into the model's bounds). */
  readonly baseline?: Float32Array;
  readonly steps?: number;
  readonly rule?: QuadratureRule;
}

export interface IntegratedGradientsExplanation {
  readonly attributions: Float64Array;
  /** f(x) = log p_c(x). */
  readonly prediction: number;
  /** f(x') = log p_c(x'). */
  readonly baselineValue: number;
  /** Σ φ_i − (f(x) − f(x')). */
  readonly convergenceDelta: number;
  /** |convergenceDelta| / |f(x) − f(x')|. */
  readonly relativeConvergenceDelta: number;
  readonly classIndex: number;
  readonly steps: number;
  readonly rule: QuadratureRule;
}

export async function integratedGradients(
  model: Differentiable,
  x: Float32Array,
  options: IntegratedGradientsOptions,
): Promise<IntegratedGradientsExplanation> {
  checkSample(model, x);
  const steps = options.steps ?? 50;
  const rule = options.rule ?? "gausslegendre";
  const d = x.length;
  const [lo, hi] = model.bounds;
  const baseline = options.baseline ?? new Float32Array(d).fill(Math.min(hi, Math.max(lo, 0)));
  if (baseline.length !== d) {
    throw new MlsecError("E_SHAPE_MISMATCH", `baseline has ${baseline.length} values, x has ${d}`);
  }
  const { alphas, weights } = quadrature(rule, steps);
  // Rows 0..steps−1: the path points; row steps: x; row steps+1: the baseline. One call.
  const rows = steps + 2;
  const batch = new Float32Array(rows * d);
  for (let k = 0; k < steps; k++) {
    const a = alphas[k];
    for (let j = 0; j < d; j++) batch[k * d + j] = baseline[j] + a * (x[j] - baseline[j]);
  }
  batch.set(x, steps * d);
  batch.set(baseline, (steps + 1) * d);
  const { gradient, logProb } = await classLogProbGradient(
    model,
    { shape: [rows, ...model.inputShape], data: batch },
    options.classIndex,
  );
  const attributions = new Float64Array(d);
  for (let k = 0; k < steps; k++) {
    const w = weights[k];
    for (let j = 0; j < d; j++) attributions[j] += w * gradient[k * d + j];
  }
  let sum = 0;
  for (let j = 0; j < d; j++) {
    attributions[j] *= x[j] - baseline[j];
    sum += attributions[j];
  }
  const prediction = logProb[steps];
  const baselineValue = logProb[steps + 1];
  const change = prediction - baselineValue;
  const convergenceDelta = sum - change;
  return {
    attributions,
    prediction,
    baselineValue,
    convergenceDelta,
    relativeConvergenceDelta: Math.abs(convergenceDelta) / Math.abs(change),
    classIndex: options.classIndex,
    steps,
    rule,
  };
}
