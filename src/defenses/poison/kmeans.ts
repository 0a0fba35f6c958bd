// Two-cluster k-means (Lloyd 1982) with k-means++ seeding (Arthur & Vassilvitskii 2007) and a
// few restarts, keeping the lowest within-cluster sum of squares.

import type { Rng } from "../../core/index.js";

export interface TwoClusters {
  /** 0 or 1 per row. */
  readonly assignment: Uint8Array;
  readonly inertia: number;
}

function distance2(rows: Float64Array, i: number, centre: Float64Array, dim: number): number {
  let d = 0;
  for (let j = 0; j < dim; j++) {
    const t = rows[i * dim + j] - centre[j];
    d += t * t;
  }
  return d;
}

function once(
  rows: Float64Array,
  n: number,
  dim: number,
  rng: Rng,
  iterations: number,
): TwoClusters {
  const start = rng.int(n);
  const c0 = rows.slice(start * dim, (start + 1) * dim);
  const weights = Array.from({ length: n }, (_, i) => distance2(rows, i, c0, dim));
  const total = weights.reduce((a, b) => a + b, 0);
  let pick = 0;
  if (total > 0) {
    let u = rng.next() * total;
    while (pick < n - 1 && u >= weights[pick]) u -= weights[pick++];
  }
  const centres = [c0, rows.slice(pick * dim, (pick + 1) * dim)];
  const assignment = new Uint8Array(n);
  let inertia = 0;
  for (let it = 0; it < iterations; it++) {
    let changed = it === 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      const d0 = distance2(rows, i, centres[0], dim);
      const d1 = distance2(rows, i, centres[1], dim);
      const a = d1 < d0 ? 1 : 0;
      if (assignment[i] !== a) changed = true;
      assignment[i] = a;
      inertia += Math.min(d0, d1);
    }
    if (!changed) break;
    for (const k of [0, 1]) {
      const sum = new Float64Array(dim);
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (assignment[i] !== k) continue;
        count++;
        for (let j = 0; j < dim; j++) sum[j] += rows[i * dim + j];
      }
      if (count > 0) for (let j = 0; j < dim; j++) centres[k][j] = sum[j] / count;
    }
  }
  return { assignment, inertia };
}

export function twoMeans(
  rows: Float64Array,
  n: number,
  dim: number,
  rng: Rng,
  restarts = 5,
): TwoClusters {
  let best: TwoClusters | undefined;
  for (let r = 0; r < restarts; r++) {
    const result = once(rows, n, dim, rng, 100);
    if (best === undefined || result.inertia < best.inertia) best = result;
  }
  return best!;
}
