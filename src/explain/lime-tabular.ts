// LIME for tabular data (Ribeiro, Singh & Guestrin 2016, "Why Should I Trust You?", §3.3-3.4,
// and the defaults of its reference tabular explainer): quartile-discretized features, samples
// drawn from the background's marginals, exponential kernel on the distance in the binary
// "same bin as x" space (width 0.75·√d), and a weighted ridge fit (α = 1, with intercept).

import { type Classifier, MlsecError, type Rng, type Tensor } from "../core/index.js";
import { classOutput, featureCount, type OutputKind } from "./model-output.js";
import { weightedRidge } from "./weighted-ridge.js";

export interface LimeTabularOptions {
  readonly classIndex: number;
  readonly output?: OutputKind;
  /** Perturbed samples (default 5000, LIME's default). */
  readonly samples?: number;
  /** Kernel width (default 0.75 · √d). */
  readonly kernelWidth?: number;
  /** Ridge penalty (default 1). */
  readonly alpha?: number;
  readonly rng: Rng;
}

export interface LimeExplanation {
  /** Ridge coefficient per feature: the output change for "this feature in x's quartile". */
  readonly attributions: Float64Array;
  readonly intercept: number;
  /** f(x). */
  readonly prediction: number;
  /** The surrogate's value at x (intercept + Σ coefficients). */
  readonly localPrediction: number;
  /** Weighted R² of the surrogate on the samples. */
  readonly score: number;
  /** The quartile edges per feature ([q25, q50, q75]). */
  readonly quartiles: number[][];
  readonly samples: number;
  readonly kernelWidth: number;
}

function quartileEdges(column: Float64Array): number[] {
  const sorted = Float64Array.from(column).sort();
  const at = (q: number) => {
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    return (
      sorted[lo] + (pos - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? 0) - sorted[lo])
    );
  };
  return [at(0.25), at(0.5), at(0.75)];
}

const binOf = (v: number, edges: number[]) => {
  let b = 0;
  while (b < edges.length && v > edges[b]) b++;
  return b;
};

export async function limeTabular(
  model: Classifier,
  x: Float32Array,
  background: Tensor,
  options: LimeTabularOptions,
): Promise<LimeExplanation> {
  const d = featureCount(model);
  const rows = background.shape[0];
  if (x.length !== d || background.data.length !== rows * d) {
    throw new MlsecError("E_SHAPE_MISMATCH", `x and the background must have ${d} features`);
  }
  if (rows < 2) throw new MlsecError("E_INVALID_ARGUMENT", "LIME needs ≥ 2 background rows");
  const m = options.samples ?? 5000;
  if (!Number.isInteger(m) || m < d + 2) {
    throw new MlsecError("E_INVALID_ARGUMENT", `samples must be an integer ≥ ${d + 2}, got ${m}`);
  }
  const width = options.kernelWidth ?? 0.75 * Math.sqrt(d);
  const alpha = options.alpha ?? 1;
  const quartiles: number[][] = [];
  const xBin = new Int32Array(d);
  for (let j = 0; j < d; j++) {
    const column = new Float64Array(rows);
    for (let r = 0; r < rows; r++) column[r] = background.data[r * d + j];
    quartiles.push(quartileEdges(column));
    xBin[j] = binOf(x[j], quartiles[j]);
  }
  // Sample 0 is x itself; the others take each feature from a random background row.
  const samples = new Float32Array(m * d);
  const z = new Uint8Array(m * d);
  samples.set(x);
  z.fill(1, 0, d);
  for (let s = 1; s < m; s++) {
    for (let j = 0; j < d; j++) {
      const v = background.data[options.rng.int(rows) * d + j];
      samples[s * d + j] = v;
      z[s * d + j] = binOf(v, quartiles[j]) === xBin[j] ? 1 : 0;
    }
  }
  const y = await classOutput(
    model,
    { shape: [m, ...model.inputShape], data: samples },
    options.classIndex,
    options.output ?? "probability",
  );
  // Kernel: π = sqrt(exp(−D²/w²)), D = Euclidean distance from x in the binary space.
  const w = new Float64Array(m);
  for (let s = 0; s < m; s++) {
    let differ = 0;
    for (let j = 0; j < d; j++) differ += 1 - z[s * d + j];
    w[s] = Math.sqrt(Math.exp(-differ / (width * width)));
  }
  const fit = weightedRidge(z, y, w, d, alpha);
  let local = fit.intercept;
  for (let j = 0; j < d; j++) local += fit.coefficients[j];
  return {
    attributions: fit.coefficients,
    intercept: fit.intercept,
    prediction: y[0],
    localPrediction: local,
    score: fit.score,
    quartiles,
    samples: m,
    kernelWidth: width,
  };
}
