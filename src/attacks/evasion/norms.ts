// Perturbation norms, projections onto Lp balls and clipping to input bounds.
// L1 projection: Duchi, Shalev-Shwartz, Singer & Chandra 2008, "Efficient projections onto the
// l1-ball for learning in high dimensions" (sort-based algorithm, Fig. 1).

import type { NormKind, PerturbationNorms } from "./types.js";

export function perturbationNorms(
  adversarial: Float32Array,
  clean: Float32Array,
  n: number,
): PerturbationNorms {
  const stride = n === 0 ? 0 : clean.length / n;
  const l0 = new Float32Array(n);
  const l2 = new Float32Array(n);
  const linf = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let zeros = 0;
    let sq = 0;
    let max = 0;
    for (let j = i * stride; j < (i + 1) * stride; j++) {
      const d = adversarial[j] - clean[j];
      if (d !== 0) zeros++;
      sq += d * d;
      const a = Math.abs(d);
      if (a > max) max = a;
    }
    l0[i] = zeros;
    l2[i] = Math.sqrt(sq);
    linf[i] = max;
  }
  return { l0, l2, linf };
}

/** ||v||_p of one sample's slice. */
export function sliceNorm(v: Float32Array, start: number, end: number, norm: NormKind): number {
  let acc = 0;
  for (let j = start; j < end; j++) {
    const a = Math.abs(v[j]);
    if (norm === "inf") acc = Math.max(acc, a);
    else if (norm === "2") acc += a * a;
    else acc += a;
  }
  return norm === "2" ? Math.sqrt(acc) : acc;
}

/** Projects delta[start, end) onto the Lp ball of radius eps, in place. */
export function projectSlice(
  delta: Float32Array,
  start: number,
  end: number,
  eps: number,
  norm: NormKind,
): void {
  if (norm === "inf") {
    for (let j = start; j < end; j++) delta[j] = Math.min(eps, Math.max(-eps, delta[j]));
    return;
  }
  const size = sliceNorm(delta, start, end, norm);
  if (size <= eps) return;
  if (norm === "2") {
    const scale = eps / size;
    for (let j = start; j < end; j++) delta[j] *= scale;
    return;
  }
  // L1: soft-threshold at theta, where theta makes the L1 norm exactly eps.
  const magnitudes = Float32Array.from(delta.subarray(start, end), Math.abs).sort().reverse();
  let cumulative = 0;
  let theta = 0;
  for (let k = 0; k < magnitudes.length; k++) {
    cumulative += magnitudes[k];
    const candidate = (cumulative - eps) / (k + 1);
    if (magnitudes[k] > candidate) theta = candidate;
    else break;
  }
  for (let j = start; j < end; j++) {
    const a = Math.abs(delta[j]) - theta;
    delta[j] = a > 0 ? Math.sign(delta[j]) * a : 0;
  }
}

/**
 * Makes `adversarial` a valid attack output: delta = adversarial − clean projected onto the
 * eps-ball, then clipped to the bounds (bounds last, so inputs are always valid).
 */
export function projectToBallAndBounds(
  adversarial: Float32Array,
  clean: Float32Array,
  n: number,
  eps: number,
  norm: NormKind,
  bounds: readonly [number, number],
): void {
  const stride = n === 0 ? 0 : clean.length / n;
  const delta = new Float32Array(stride);
  for (let i = 0; i < n; i++) {
    const off = i * stride;
    for (let j = 0; j < stride; j++) delta[j] = adversarial[off + j] - clean[off + j];
    projectSlice(delta, 0, stride, eps, norm);
    for (let j = 0; j < stride; j++) {
      adversarial[off + j] = Math.min(bounds[1], Math.max(bounds[0], clean[off + j] + delta[j]));
    }
  }
}
