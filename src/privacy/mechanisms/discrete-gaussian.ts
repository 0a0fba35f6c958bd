// Exact discrete Gaussian sampling, P[X = x] proportional to exp(-x^2 / (2 sigma^2)) for
// rational sigma^2 (Canonne, Kamath & Steinke 2020, "The discrete Gaussian for differential
// privacy", Alg. 3: rejection from a discrete Laplace).

import { MlsecError } from "../../core/index.js";
import { bernoulliExpNeg } from "./bernoulli.js";
import { sampleDiscreteLaplace } from "./discrete-laplace.js";
import type { RandomSource } from "./random-source.js";

/** Integer square root: floor(sqrt(n)) for n >= 0. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** One sample of the discrete Gaussian with variance parameter sigma^2 = num/den > 0. */
export function sampleDiscreteGaussian(num: bigint, den: bigint, rs: RandomSource): bigint {
  if (num < 1n || den < 1n) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `discrete Gaussian sigma^2 ${num}/${den} must be > 0`,
    );
  }
  // t = floor(sigma) + 1, the discrete Laplace scale of the proposal.
  const t = isqrt(num / den) + 1n;
  for (;;) {
    const y = sampleDiscreteLaplace(t, 1n, rs);
    const abs = y < 0n ? -y : y;
    // Accept with probability exp(-(|y| - sigma^2/t)^2 / (2 sigma^2))
    //   = exp(-(|y| t den - num)^2 / (2 num den t^2)).
    const diff = abs * t * den - num;
    if (bernoulliExpNeg(diff * diff, 2n * num * den * t * t, rs)) return y;
  }
}
