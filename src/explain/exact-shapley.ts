// Exact Shapley values (Shapley 1953, "A value for n-person games") of the interventional game
// v(S) = E_b[f(x_S, b_S̄)], by enumerating all 2^d coalitions in batched model calls.

import { type Classifier, MlsecError, type ProgressListener } from "../core/index.js";
import { coalitionValues } from "./coalitions.js";
import { type Background, checkClass, featureCount, type OutputKind } from "./model-output.js";
import { efficiencyGap, type ShapleyExplanation } from "./shapley-result.js";

/** 2^16 coalitions × the background is as far as exact enumeration is worth going. */
export const MAX_EXACT_FEATURES = 16;

export interface ExactShapleyOptions {
  readonly classIndex: number;
  readonly output?: OutputKind;
  readonly onProgress?: ProgressListener;
}

export async function exactShapley(
  model: Classifier,
  x: Float32Array,
  background: Background,
  options: ExactShapleyOptions,
): Promise<ShapleyExplanation> {
  const output = options.output ?? "probability";
  checkClass(model, options.classIndex);
  const d = featureCount(model);
  if (x.length !== d) {
    throw new MlsecError("E_SHAPE_MISMATCH", `sample has ${x.length} features, model wants ${d}`);
  }
  if (d > MAX_EXACT_FEATURES) {
    throw new MlsecError(
      "E_EXPLAIN_METHOD",
      `exact Shapley enumerates 2^d coalitions; ${d} features is more than ${MAX_EXACT_FEATURES}`,
      { hint: "Use --method kernelshap (sampled coalitions) or a gradient method for images." },
    );
  }
  const m = 2 ** d;
  // Coalition c contains feature j when bit j of c is set.
  const masks = new Uint8Array(m * d);
  for (let c = 0; c < m; c++) for (let j = 0; j < d; j++) masks[c * d + j] = (c >> j) & 1;
  const v = await coalitionValues(
    model,
    x,
    background,
    masks,
    options.classIndex,
    output,
    options.onProgress,
  );
  // weight(s) = s! (d − s − 1)! / d!, for a coalition of size s not containing the feature.
  const weight = new Float64Array(d);
  for (let s = 0; s < d; s++) {
    let w = 1 / d;
    for (let t = 1; t <= s; t++) w *= t / (d - t); // s!(d−1−s)!/(d−1)! = 1 / C(d−1, s)
    weight[s] = w;
  }
  const popcount = (c: number) => {
    let n = 0;
    for (let t = c; t; t &= t - 1) n++;
    return n;
  };
  const phi = new Float64Array(d);
  for (let c = 0; c < m; c++) {
    const s = popcount(c);
    for (let j = 0; j < d; j++) {
      if ((c >> j) & 1) continue;
      phi[j] += weight[s] * (v[c | (1 << j)] - v[c]);
    }
  }
  const baseValue = v[0];
  const prediction = v[m - 1];
  return {
    attributions: phi,
    baseValue,
    prediction,
    efficiencyGap: efficiencyGap(prediction, baseValue, phi),
    classIndex: options.classIndex,
    output,
    coalitions: m,
    modelEvaluations: m * background.x.shape[0],
    backgroundRows: background.x.shape[0],
  };
}
