// Steepest-ascent directions of unit Lp norm for a gradient g (per sample):
// L∞: sign(g); L2: g/||g||₂; L1: the sparse step of Tramèr & Boneh 2019 ("Adversarial Training
// and Robustness for Multiple Perturbations", §3.1): sign(g) on the top-q coordinates by |g|,
// skipping coordinates the bounds block, scaled to unit L1 norm.

import type { NormKind } from "./types.js";

export interface DirectionOptions {
  readonly norm: NormKind;
  /** L1 only: fraction of coordinates to move, e.g. 0.01 = the top 1% by |g|. */
  readonly l1Sparsity?: number;
  /** L1 only: current point and bounds, to skip coordinates that cannot move that way. */
  readonly x?: Float32Array;
  readonly bounds?: readonly [number, number];
}

/** Writes the unit direction for sample slice [start, end) of g into out. */
export function unitDirection(
  g: Float32Array,
  start: number,
  end: number,
  out: Float32Array,
  options: DirectionOptions,
): void {
  const size = end - start;
  if (options.norm === "inf") {
    for (let j = start; j < end; j++) out[j] = Math.sign(g[j]);
    return;
  }
  if (options.norm === "2") {
    let sq = 0;
    for (let j = start; j < end; j++) sq += g[j] * g[j];
    const scale = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    for (let j = start; j < end; j++) out[j] = g[j] * scale;
    return;
  }
  const k = Math.max(1, Math.round((options.l1Sparsity ?? 0.01) * size));
  const candidates: number[] = [];
  for (let j = start; j < end; j++) {
    out[j] = 0;
    if (g[j] === 0) continue;
    if (options.x !== undefined && options.bounds !== undefined) {
      const blocked =
        (g[j] > 0 && options.x[j] >= options.bounds[1]) ||
        (g[j] < 0 && options.x[j] <= options.bounds[0]);
      if (blocked) continue;
    }
    candidates.push(j);
  }
  candidates.sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
  const chosen = candidates.slice(0, k);
  for (const j of chosen) out[j] = Math.sign(g[j]) / chosen.length;
}
