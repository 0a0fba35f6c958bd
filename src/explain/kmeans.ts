// Background summary by k-means (Lloyd 1982) with k-means++ seeding (Arthur & Vassilvitskii
// 2007); each centroid is weighted by the share of rows it stands for, as shap's kmeans does.

import type { Tensor } from "../core/index.js";
import { MlsecError, type Rng } from "../core/index.js";
import type { Background } from "./model-output.js";

export interface KMeansOptions {
  readonly k: number;
  readonly rng: Rng;
  /** Lloyd iterations at most (stops early when no assignment changes). */
  readonly maxIterations?: number;
}

/** k weighted centroids of the rows of `x` (x itself, uniformly weighted, when k ≥ rows). */
export function kmeansBackground(x: Tensor, options: KMeansOptions): Background {
  const n = x.shape[0];
  if (n === 0) throw new MlsecError("E_INVALID_ARGUMENT", "the background set is empty");
  if (!Number.isInteger(options.k) || options.k < 1) {
    throw new MlsecError("E_INVALID_ARGUMENT", `k must be a positive integer, got ${options.k}`);
  }
  if (options.k >= n) return { x, weights: new Float64Array(n).fill(1 / n) };
  const d = x.data.length / n;
  const k = options.k;
  const data = x.data;
  const dist2 = (i: number, c: Float64Array, ci: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = data[i * d + j] - c[ci * d + j];
      s += t * t;
    }
    return s;
  };
  // k-means++ seeding: each next centre drawn with probability ∝ squared distance.
  const centres = new Float64Array(k * d);
  const first = options.rng.int(n);
  for (let j = 0; j < d; j++) centres[j] = data[first * d + j];
  const nearest = new Float64Array(n);
  for (let i = 0; i < n; i++) nearest[i] = dist2(i, centres, 0);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i];
    let pick = n - 1;
    if (total > 0) {
      let u = options.rng.next() * total;
      for (let i = 0; i < n; i++) {
        u -= nearest[i];
        if (u < 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = options.rng.int(n);
    }
    for (let j = 0; j < d; j++) centres[c * d + j] = data[pick * d + j];
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i], dist2(i, centres, c));
  }
  // Lloyd iterations.
  const assign = new Int32Array(n).fill(-1);
  const counts = new Float64Array(k);
  for (let iter = 0; iter < (options.maxIterations ?? 100); iter++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = dist2(i, centres, c);
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      if (assign[i] !== best) {
        assign[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
    const sums = new Float64Array(k * d);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      counts[assign[i]]++;
      for (let j = 0; j < d; j++) sums[assign[i] * d + j] += data[i * d + j];
    }
    for (let c = 0; c < k; c++) {
      // An emptied cluster keeps its old centre (it then carries weight 0 and is dropped).
      if (counts[c] > 0)
        for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j] / counts[c];
    }
  }
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[assign[i]]++;
  const kept = [...counts.keys()].filter((c) => counts[c] > 0);
  const out = new Float32Array(kept.length * d);
  const weights = new Float64Array(kept.length);
  kept.forEach((c, r) => {
    for (let j = 0; j < d; j++) out[r * d + j] = centres[c * d + j];
    weights[r] = counts[c] / n;
  });
  return { x: { shape: [kept.length, ...x.shape.slice(1)], data: out }, weights };
}
