// DP count, sum and mean with the Laplace mechanism (Dwork, McSherry, Nissim & Smith 2006) on
// contribution-bounded, clamped values; the mean is a noisy centred sum over a noisy count,
// each with half the budget (Li, Lyu, Su & Yang 2016, "Differential Privacy: From Theory to
// Practice", §2.5).

import { sampleDiscreteLaplace } from "../mechanisms/discrete-laplace.js";
import { laplaceMechanism } from "../mechanisms/granular.js";
import type { RandomSource } from "../mechanisms/random-source.js";
import { toRational } from "../mechanisms/rational.js";
import { clamp } from "./bounding.js";

export interface AggregateParams {
  readonly epsilon: number;
  /** Rows one privacy unit may contribute (after bounding). */
  readonly maxContributions: number;
  readonly lower: number;
  readonly upper: number;
}

/** Count + discrete Laplace(k / eps): an integer, exact noise. */
export function dpCount(
  n: number,
  params: Pick<AggregateParams, "epsilon" | "maxContributions">,
  rs: RandomSource,
): number {
  const eps = toRational(params.epsilon);
  const z = sampleDiscreteLaplace(BigInt(params.maxContributions) * eps.den, eps.num, rs);
  return n + Number(z);
}

/** Sum of clamped values + Laplace(k max(|L|, |U|) / eps). */
export function dpSum(
  values: readonly number[],
  params: AggregateParams,
  rs: RandomSource,
): number {
  const { lower, upper, maxContributions, epsilon } = params;
  let sum = 0;
  for (const v of values) sum += clamp(v, lower, upper);
  const sensitivity = maxContributions * Math.max(Math.abs(lower), Math.abs(upper));
  if (sensitivity === 0) return 0;
  return laplaceMechanism(sum, { sensitivity, epsilon }, rs).value;
}

/** Mean of clamped values: mid + noisy sum of (x - mid) / noisy count, clamped to the bounds. */
export function dpMean(
  values: readonly number[],
  params: AggregateParams,
  rs: RandomSource,
): number {
  const { lower, upper, maxContributions, epsilon } = params;
  const mid = (lower + upper) / 2;
  const half = epsilon / 2;
  const count = dpCount(values.length, { epsilon: half, maxContributions }, rs);
  let centred = 0;
  for (const v of values) centred += clamp(v, lower, upper) - mid;
  const sensitivity = (maxContributions * (upper - lower)) / 2;
  const noisy =
    sensitivity === 0 ? 0 : laplaceMechanism(centred, { sensitivity, epsilon: half }, rs).value;
  return clamp(mid + noisy / Math.max(1, count), lower, upper);
}
