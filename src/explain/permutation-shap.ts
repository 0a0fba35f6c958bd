// Permutation SHAP (Štrumbelj & Kononenko 2014, "Explaining prediction models and individual
// predictions with feature contributions"; antithetic permutations as in the shap package's
// PermutationExplainer, Mitchell et al. 2022): walk a random feature order from the empty to the
// full coalition and back the reverse order, crediting each feature with the change in v when
// it joins. Every walk is exactly efficient, so Σ φ = f(x) − E[f] holds for any budget.

import { type Classifier, MlsecError, type ProgressListener, type Rng } from "../core/index.js";
import { coalitionValues } from "./coalitions.js";
import { type Background, checkClass, featureCount, type OutputKind } from "./model-output.js";
import { efficiencyGap, type ShapleyExplanation } from "./shapley-result.js";

export interface PermutationShapOptions {
  readonly classIndex: number;
  readonly output?: OutputKind;
  /** Coalition budget (default 2048): sets the number of antithetic permutation pairs. */
  readonly samples?: number;
  readonly rng: Rng;
  readonly onProgress?: ProgressListener;
}

export interface PermutationShapExplanation extends ShapleyExplanation {
  /** Antithetic pairs of walks (each pair = one order and its reverse). */
  readonly permutations: number;
  /** Standard error of each φ_i over the pairs (NaN with a single pair). */
  readonly standardErrors: Float64Array;
}

export async function permutationShap(
  model: Classifier,
  x: Float32Array,
  background: Background,
  options: PermutationShapOptions,
): Promise<PermutationShapExplanation> {
  checkClass(model, options.classIndex);
  const d = featureCount(model);
  if (x.length !== d) throw new MlsecError("E_SHAPE_MISMATCH", `x must have ${d} features`);
  const budget = options.samples ?? 2048;
  const perPair = 2 * (d - 1);
  if (!Number.isInteger(budget) || budget < perPair + 2) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `samples must be an integer ≥ ${perPair + 2} (one pair of walks over ${d} features)`,
    );
  }
  const pairs = perPair === 0 ? 1 : Math.floor((budget - 2) / perPair);
  // Coalition 0 is empty, 1 is full; then the d − 1 inner coalitions of each walk.
  const orders: Int32Array[] = [];
  const masks = new Uint8Array((2 + pairs * perPair) * d);
  masks.fill(1, d, 2 * d);
  let row = 2;
  for (let p = 0; p < pairs; p++) {
    const order = Int32Array.from({ length: d }, (_, i) => i);
    for (let i = d - 1; i > 0; i--) {
      const j = options.rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    orders.push(order);
    for (const walk of [order, order.slice().reverse()]) {
      const mask = new Uint8Array(d);
      for (let k = 0; k < d - 1; k++) {
        mask[walk[k]] = 1;
        masks.set(mask, row++ * d);
      }
    }
  }
  const output = options.output ?? "probability";
  const v = await coalitionValues(
    model,
    x,
    background,
    masks,
    options.classIndex,
    output,
    options.onProgress,
  );
  const sum = new Float64Array(d);
  const sumSq = new Float64Array(d);
  const pairPhi = new Float64Array(d);
  row = 2;
  for (const order of orders) {
    pairPhi.fill(0);
    for (const walk of [order, order.slice().reverse()]) {
      let previous = v[0];
      for (let k = 0; k < d; k++) {
        const current = k === d - 1 ? v[1] : v[row++];
        pairPhi[walk[k]] += (current - previous) / 2;
        previous = current;
      }
    }
    for (let i = 0; i < d; i++) {
      sum[i] += pairPhi[i];
      sumSq[i] += pairPhi[i] * pairPhi[i];
    }
  }
  const attributions = sum.map((s) => s / pairs);
  const standardErrors = attributions.map((mean, i) =>
    pairs < 2 ? Number.NaN : Math.sqrt(Math.max(0, sumSq[i] / pairs - mean * mean) / (pairs - 1)),
  );
  const baseValue = v[0];
  const prediction = v[1];
  return {
    attributions,
    baseValue,
    prediction,
    efficiencyGap: efficiencyGap(prediction, baseValue, attributions),
    classIndex: options.classIndex,
    output,
    coalitions: v.length,
    modelEvaluations: v.length * background.x.shape[0],
    backgroundRows: background.x.shape[0],
    permutations: pairs,
    standardErrors,
  };
}
