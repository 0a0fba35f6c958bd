// KernelSHAP (Lundberg & Lee 2017, "A Unified Approach to Interpreting Model Predictions",
// Theorem 2): Shapley kernel weights, paired coalition sampling, and a weighted least-squares
// fit constrained so that Σ φ_i = f(x) − E[f] (identity link on the explained output).

import { type Classifier, MlsecError, type ProgressListener, type Rng } from "../core/index.js";
import { coalitionValues } from "./coalitions.js";
import { type Background, checkClass, featureCount, type OutputKind } from "./model-output.js";
import { efficiencyGap, type ShapleyExplanation } from "./shapley-result.js";
import { solveLinear } from "./solve.js";

export interface KernelShapOptions {
  readonly classIndex: number;
  readonly output?: OutputKind;
  /** Coalitions to evaluate besides the empty and full ones (default 2048). */
  readonly samples?: number;
  readonly rng: Rng;
  readonly onProgress?: ProgressListener;
}

export interface KernelShapExplanation extends ShapleyExplanation {
  /** True when every proper coalition fitted in the budget (then φ is the exact Shapley value). */
  readonly enumerated: boolean;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Coalitions and their regression weights: all of them, or paired samples from the kernel. */
function chooseCoalitions(
  d: number,
  budget: number,
  rng: Rng,
): { masks: Uint8Array; weights: Float64Array; enumerated: boolean } {
  if (d < 31 && 2 ** d - 2 <= budget) {
    const m = 2 ** d - 2;
    const masks = new Uint8Array(m * d);
    const weights = new Float64Array(m);
    for (let c = 1; c <= m; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const bit = (c >> j) & 1;
        masks[(c - 1) * d + j] = bit;
        s += bit;
      }
      // π(z) = (d − 1) / (C(d, |z|) |z| (d − |z|)).
      weights[c - 1] = (d - 1) / (binomial(d, s) * s * (d - s));
    }
    return { masks, weights, enumerated: true };
  }
  // Sizes drawn ∝ the kernel's total mass at that size, (d − 1) / (s (d − s)); a subset of that
  // size drawn uniformly, then its complement too (paired sampling). Sampled coalitions then
  // carry equal weight; repeats are merged into one row with their count as weight.
  const sizeMass = new Float64Array(d);
  let total = 0;
  for (let s = 1; s < d; s++) {
    sizeMass[s] = (d - 1) / (s * (d - s));
    total += sizeMass[s];
  }
  const counts = new Map<string, number>();
  const order = Array.from({ length: d }, (_, j) => j);
  const pairs = Math.max(1, Math.floor(budget / 2));
  for (let p = 0; p < pairs; p++) {
    let u = rng.next() * total;
    let s = 1;
    while (s < d - 1 && u >= sizeMass[s]) u -= sizeMass[s++];
    for (let i = 0; i < s; i++) {
      const j = i + rng.int(d - i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const z = new Uint8Array(d);
    for (let i = 0; i < s; i++) z[order[i]] = 1;
    const key = z.join("");
    const complement = z.map((b) => 1 - b).join("");
    counts.set(key, (counts.get(key) ?? 0) + 1);
    counts.set(complement, (counts.get(complement) ?? 0) + 1);
  }
  const masks = new Uint8Array(counts.size * d);
  const weights = new Float64Array(counts.size);
  let r = 0;
  for (const [key, count] of counts) {
    for (let j = 0; j < d; j++) masks[r * d + j] = key.charCodeAt(j) - 48;
    weights[r++] = count;
  }
  return { masks, weights, enumerated: false };
}

export async function kernelShap(
  model: Classifier,
  x: Float32Array,
  background: Background,
  options: KernelShapOptions,
): Promise<KernelShapExplanation> {
  const output = options.output ?? "probability";
  const budget = options.samples ?? 2048;
  checkClass(model, options.classIndex);
  if (!Number.isInteger(budget) || budget < 2) {
    throw new MlsecError("E_INVALID_ARGUMENT", `samples must be an integer ≥ 2, got ${budget}`);
  }
  const d = featureCount(model);
  if (x.length !== d) {
    throw new MlsecError("E_SHAPE_MISMATCH", `sample has ${x.length} features, model wants ${d}`);
  }
  const chosen = d > 1 ? chooseCoalitions(d, budget, options.rng) : undefined;
  const m = chosen ? chosen.weights.length : 0;
  // Rows 0 and 1: the empty coalition (E[f]) and the full one (f(x)); then the sampled ones.
  const masks = new Uint8Array((m + 2) * d);
  masks.fill(1, d, 2 * d);
  if (chosen) masks.set(chosen.masks, 2 * d);
  const v = await coalitionValues(
    model,
    x,
    background,
    masks,
    options.classIndex,
    output,
    options.onProgress,
  );
  const baseValue = v[0];
  const prediction = v[1];
  const delta = prediction - baseValue;
  const phi = new Float64Array(d);
  if (!chosen) {
    phi[0] = delta;
  } else {
    // Substitute φ_last = Δ − Σ_{i<last} φ_i: the residual of coalition z is then
    // (v(z) − φ0 − z_last Δ) − Σ_{i<last} (z_i − z_last) φ_i, an unconstrained weighted LS.
    const n = d - 1;
    const ata = new Float64Array(n * n);
    const atb = new Float64Array(n);
    const row = new Float64Array(n);
    for (let r = 0; r < m; r++) {
      const z = chosen.masks.subarray(r * d, (r + 1) * d);
      const w = chosen.weights[r];
      const zl = z[n];
      const target = v[r + 2] - baseValue - zl * delta;
      for (let i = 0; i < n; i++) row[i] = z[i] - zl;
      for (let i = 0; i < n; i++) {
        if (row[i] === 0) continue;
        const wi = w * row[i];
        atb[i] += wi * target;
        for (let j = 0; j < n; j++) ata[i * n + j] += wi * row[j];
      }
    }
    const head = solveLinear(ata, atb, n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      phi[i] = head[i];
      sum += head[i];
    }
    phi[n] = delta - sum;
  }
  return {
    attributions: phi,
    baseValue,
    prediction,
    efficiencyGap: efficiencyGap(prediction, baseValue, phi),
    classIndex: options.classIndex,
    output,
    coalitions: m + 2,
    modelEvaluations: (m + 2) * background.x.shape[0],
    backgroundRows: background.x.shape[0],
    enumerated: chosen?.enumerated ?? true,
  };
}
