// Exact discrete Laplace sampling, P[X = x] proportional to exp(-|x| / t) for rational t > 0
// (Canonne, Kamath & Steinke 2020, "The discrete Gaussian for differential privacy", Alg. 2).

import { MlsecError } from "../../core/index.js";
import { bernoulliExpNeg } from "./bernoulli.js";
import type { RandomSource } from "./random-source.js";

/** One sample of the discrete Laplace with scale t = num/den (num, den >= 1). */
export function sampleDiscreteLaplace(num: bigint, den: bigint, rs: RandomSource): bigint {
  if (num < 1n || den < 1n) {
    throw new MlsecError("E_INVALID_ARGUMENT", `discrete Laplace scale ${num}/${den} must be > 0`);
  }
  for (;;) {
    // X = U + num * V is geometric with P[X = x] ~ exp(-x / num); then Y = floor(X / den).
    const u = rs.uniformBelow(num);
    if (!bernoulliExpNeg(u, num, rs)) continue;
    let v = 0n;
    while (bernoulliExpNeg(1n, 1n, rs)) v++;
    const y = (u + num * v) / den;
    const negative = rs.uniformBelow(2n) === 1n;
    if (negative && y === 0n) continue; // zero would otherwise be counted twice
    return negative ? -y : y;
  }
}
