// Gradients of zero-sum combinations of logits, Σ_k a_k ∇z_k with Σ_k a_k = 0, from cross-entropy
// gradients alone: ∇CE_k = Σ_j p_j ∇z_j − ∇z_k, so Σ_k a_k ∇CE_k = −Σ_k a_k ∇z_k whenever the a_k
// sum to zero. That gives DeepFool's ∇(z_k − z_y) and the DLR loss's exact gradient with only the
// cross-entropy input gradient every Differentiable model provides.

import { type Differentiable, MlsecError } from "../../core/index.js";
import { gatherRows } from "./margin.js";

/** One request: the point of row `row` and the coefficients a_k (must sum to zero). */
export interface LogitCombination {
  readonly row: number;
  readonly coefficients: ReadonlyMap<number, number>;
}

/**
 * Returns, per request, Σ a_k ∇z_k at its point (flat [requests, stride]), and the logits of
 * every point that was evaluated (flat [points, classes], NaN for points no request used).
 */
export async function logitCombinationGradients(
  model: Differentiable,
  points: Float32Array,
  pointCount: number,
  requests: readonly LogitCombination[],
): Promise<{ gradients: Float32Array; logits: Float32Array }> {
  const stride = pointCount === 0 ? 0 : points.length / pointCount;
  const rows: number[] = [];
  const labels: number[] = [];
  for (const r of requests) {
    let sum = 0;
    for (const [k, a] of r.coefficients) {
      rows.push(r.row);
      labels.push(k);
      sum += a;
    }
    if (Math.abs(sum) > 1e-9) {
      throw new MlsecError("E_INTERNAL", `logit coefficients must sum to zero, got ${sum}`);
    }
  }
  const stacked = gatherRows(points, stride, rows);
  const result = await model.lossGradient(
    { shape: [rows.length, ...model.inputShape], data: stacked },
    Int32Array.from(labels),
  );
  const classes = model.numClasses;
  const logits = new Float32Array(pointCount * classes).fill(Number.NaN);
  if (result.logits !== undefined) {
    const source = result.logits.data;
    for (const [m, r] of rows.entries()) {
      logits.set(source.subarray(m * classes, (m + 1) * classes), r * classes);
    }
  }
  const gradients = new Float32Array(requests.length * stride);
  let m = 0;
  requests.forEach((r, q) => {
    for (const [, a] of r.coefficients) {
      const g = result.gradient.data.subarray(m * stride, (m + 1) * stride);
      for (let j = 0; j < stride; j++) gradients[q * stride + j] -= a * g[j];
      m++;
    }
  });
  return { gradients, logits };
}

/** Class indices of a logits row sorted by decreasing logit. */
export function rankedClasses(logits: Float32Array, row: number, classes: number): number[] {
  const order = Array.from({ length: classes }, (_, k) => k);
  return order.sort((a, b) => logits[row * classes + b] - logits[row * classes + a]);
}
