// DP quantile by the exponential mechanism over a public grid of candidates (McSherry & Talwar
// 2007; utility -|rank(c) - q n| as in Smith 2011, "Privacy-preserving statistical estimation
// with optimal convergence rates", §3). One unit with k rows moves the utility by at most k.

import { MlsecError } from "../../core/index.js";
import type { RandomSource } from "../mechanisms/random-source.js";
import { exponentialMechanism } from "../mechanisms/selection.js";
import { clamp } from "./bounding.js";

export const DEFAULT_QUANTILE_GRID = 1001;
export const MAX_QUANTILE_GRID = 100_001;

export function dpQuantile(
  values: readonly number[],
  params: {
    quantile: number;
    epsilon: number;
    maxContributions: number;
    lower: number;
    upper: number;
    grid?: number;
  },
  rs: RandomSource,
): number {
  const { quantile, lower, upper } = params;
  const grid = params.grid ?? DEFAULT_QUANTILE_GRID;
  if (!(quantile >= 0 && quantile <= 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `quantile must be in [0, 1], got ${quantile}`);
  }
  if (!Number.isSafeInteger(grid) || grid < 2 || grid > MAX_QUANTILE_GRID) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `grid must be in [2, ${MAX_QUANTILE_GRID}], got ${grid}`,
    );
  }
  const sorted = values.map((v) => clamp(v, lower, upper)).sort((a, b) => a - b);
  const target = quantile * sorted.length;
  const candidates = Array.from(
    { length: grid },
    (_, j) => lower + ((upper - lower) * j) / (grid - 1),
  );
  // rank(c) = #{x <= c}, by a merge walk over the sorted values.
  const scores: number[] = [];
  let rank = 0;
  for (const c of candidates) {
    while (rank < sorted.length && sorted[rank] <= c) rank++;
    scores.push(-Math.abs(rank - target));
  }
  const i = exponentialMechanism(
    scores,
    { epsilon: params.epsilon, sensitivity: params.maxContributions },
    rs,
  );
  return candidates[i];
}
