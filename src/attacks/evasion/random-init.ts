// Uniform random starting points inside an Lp ball (for PGD restarts, Madry et al. 2018 §3).
// L2 and L1: a random direction scaled by eps·u^(1/d), which is uniform in volume for L2
// (Gaussian direction) and for L1 (Laplace direction; Calafiore, Dabbene & Tempo 1998).

import type { Rng } from "../../core/index.js";
import type { NormKind } from "./types.js";

export function randomDelta(
  rng: Rng,
  size: number,
  eps: number,
  norm: NormKind,
  out: Float32Array,
  offset: number,
): void {
  if (norm === "inf") {
    for (let j = 0; j < size; j++) out[offset + j] = (2 * rng.next() - 1) * eps;
    return;
  }
  let total = 0;
  for (let j = 0; j < size; j++) {
    const v = norm === "2" ? rng.normal() : -Math.log(1 - rng.next()) * (rng.next() < 0.5 ? -1 : 1);
    out[offset + j] = v;
    total += norm === "2" ? v * v : Math.abs(v);
  }
  const length = norm === "2" ? Math.sqrt(total) : total;
  const radius = eps * rng.next() ** (1 / size);
  const scale = length > 0 ? radius / length : 0;
  for (let j = 0; j < size; j++) out[offset + j] *= scale;
}
