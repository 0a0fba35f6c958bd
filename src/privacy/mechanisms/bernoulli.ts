// Exact Bernoulli samplers (Canonne, Kamath & Steinke 2020, "The discrete Gaussian for
// differential privacy", §5.1 and Alg. 1): Bernoulli(p) for rational p and Bernoulli(exp(-g))
// for rational g >= 0, using only uniform integers.

import { MlsecError } from "../../core/index.js";
import type { RandomSource } from "./random-source.js";

/** Bernoulli(num/den), 0 <= num <= den. */
export function bernoulli(num: bigint, den: bigint, rs: RandomSource): boolean {
  if (den <= 0n || num < 0n || num > den) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `Bernoulli parameter ${num}/${den} is not in [0, 1]`,
    );
  }
  return rs.uniformBelow(den) < num;
}

/** Bernoulli(exp(-num/den)) for num/den >= 0 (CKS 2020, Alg. 1). */
export function bernoulliExpNeg(num: bigint, den: bigint, rs: RandomSource): boolean {
  if (den <= 0n || num < 0n) {
    throw new MlsecError("E_INVALID_ARGUMENT", `exp(-${num}/${den}) needs a rational >= 0`);
  }
  if (num <= den) {
    // Count K until Bernoulli(g/K) fails; P[K odd] = exp(-g).
    let k = 1n;
    while (bernoulli(num, den * k, rs)) k++;
    return k % 2n === 1n;
  }
  // exp(-g) = exp(-1)^floor(g) * exp(-(g - floor(g))).
  const whole = num / den;
  for (let i = 0n; i < whole; i++) if (!bernoulliExpNeg(1n, 1n, rs)) return false;
  return bernoulliExpNeg(num - whole * den, den, rs);
}
