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

/**
 * Coalitions and their regression weights. The kernel's mass per coalition size s (paired with
 * d − s) is (d − 1)/(s (d − s)); sizes are taken from the outside in, and a size whose
 * share of the remaining budget covers all its C(d, s) subsets (and complements) is enumerated
 * with exact weights, as the shap package does. The budget left then goes to paired samples from
 * the remaining sizes: a uniform subset of a drawn size and its complement, repeats merged, the
 * remaining mass shared in proportion to the counts.
 */
function chooseCoalitions(
  d: number,
  budget: number,
  rng: Rng,
): { masks: Uint8Array; weights: Float64Array; enumerated: boolean } {
  const rows: Uint8Array[] = [];
  const weights: number[] = [];
  const numSizes = Math.ceil((d - 1) / 2);
  const numPaired = Math.floor((d - 1) / 2);
  const mass = new Float64Array(numSizes + 1);
  let total = 0;
  for (let s = 1; s <= numSizes; s++) {
    mass[s] = ((d - 1) / (s * (d - s))) * (s <= numPaired ? 2 : 1);
    total += mass[s];
  }
  for (let s = 1; s <= numSizes; s++) mass[s] /= total;
  const remaining = Float64Array.from(mass);
  let left = budget;
  let massLeft = 1;
  let fullSizes = 0;
  for (let s = 1; s <= numSizes; s++) {
    const paired = s <= numPaired;
    const count = binomial(d, s) * (paired ? 2 : 1);
    if ((left * remaining[s]) / count < 1 - 1e-8) break;
    fullSizes = s;
    left -= count;
    massLeft -= mass[s];
    const w = mass[s] / count;
    // Every subset of size s, in lexicographic order of its member indices.
    const idx = Array.from({ length: s }, (_, i) => i);
    for (;;) {
      const z = new Uint8Array(d);
      for (const i of idx) z[i] = 1;
      rows.push(z);
      weights.push(w);
      if (paired) {
        rows.push(z.map((bit) => 1 - bit));
        weights.push(w);
      }
      let i = s - 1;
      while (i >= 0 && idx[i] === d - s + i) i--;
      if (i < 0) break;
      idx[i]++;
      for (let j = i + 1; j < s; j++) idx[j] = idx[j - 1] + 1;
    }
    if (remaining[s] < 1) for (let t = s + 1; t <= numSizes; t++) remaining[t] /= 1 - remaining[s];
  }
  const enumerated = fullSizes === numSizes;
  if (!enumerated && left > 0) {
    let sampleMass = 0;
    for (let s = fullSizes + 1; s <= numSizes; s++) sampleMass += mass[s];
    const counts = new Map<string, number>();
    const order = Array.from({ length: d }, (_, j) => j);
    let drawn = 0;
    while (left > 0) {
      let u = rng.next() * sampleMass;
      let s = fullSizes + 1;
      while (s < numSizes && u >= mass[s]) u -= mass[s++];
      for (let i = 0; i < s; i++) {
        const j = i + rng.int(d - i);
        [order[i], order[j]] = [order[j], order[i]];
      }
      const z = new Uint8Array(d);
      for (let i = 0; i < s; i++) z[order[i]] = 1;
      const keys = [z.join("")];
      if (s <= numPaired) keys.push(z.map((bit) => 1 - bit).join(""));
      for (const key of keys) {
        if (left <= 0) break;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        left--;
        drawn++;
      }
    }
    for (const [key, count] of counts) {
      rows.push(Uint8Array.from(key, (c) => c.charCodeAt(0) - 48));
      weights.push((massLeft * count) / drawn);
    }
  }
  const masks = new Uint8Array(rows.length * d);
  rows.forEach((z, r) => {
    masks.set(z, r * d);
  });
  return { masks, weights: Float64Array.from(weights), enumerated };
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
