// Privacy curves (hockey-stick divergence delta(eps) = E_P[(1 - e^{eps - L})_+]) of the
// Gaussian (Balle & Wang 2018, Thm. 8), Laplace and Poisson-subsampled Gaussian mechanisms, per
// direction of the add/remove relation (Zhu, Dong & Wang 2022, "Optimal accounting of DP via
// characteristic function", §3; dp_accounting privacy_loss_mechanism.py conventions).

import { logNormalCdf, logNormalSf, logSub } from "./log-math.js";

export interface PrivacyCurve {
  /** delta(eps) for the pair (P, Q) with privacy loss L = log(P/Q) under P. */
  delta(epsilon: number): number;
  /** A range of losses outside which P carries at most `tail` mass (delta(upper) <= tail). */
  lossBounds(tail: number): { readonly lower: number; readonly upper: number };
}

/** The z with P[N(0,1) > z] <= tail, by bisection on the log survival function. */
export function normalUpperQuantile(tail: number): number {
  const target = Math.log(tail);
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (logNormalSf(mid) > target) lo = mid;
    else hi = mid;
  }
  return hi;
}

const expOrZero = (logValue: number) => (Number.isNaN(logValue) ? 0 : Math.exp(logValue));

/** The Gaussian mechanism, noise multiplier sigma (sensitivity 1); symmetric. */
export function gaussianCurve(sigma: number): PrivacyCurve {
  const mu = 1 / (2 * sigma * sigma);
  return {
    delta(eps) {
      const a = logNormalCdf(1 / (2 * sigma) - eps * sigma);
      const b = eps + logNormalCdf(-1 / (2 * sigma) - eps * sigma);
      return a <= b ? 0 : expOrZero(logSub(a, b));
    },
    lossBounds(tail) {
      // L ~ N(mu, 2 mu) under P.
      const z = normalUpperQuantile(tail);
      const sd = Math.sqrt(2 * mu);
      return { lower: mu - z * sd, upper: mu + z * sd };
    },
  };
}

/** The Laplace mechanism, scale b (sensitivity 1); symmetric, losses in [-1/b, 1/b]. */
export function laplaceCurve(b: number): PrivacyCurve {
  const eps0 = 1 / b;
  return {
    delta(eps) {
      if (eps >= eps0) return 0;
      if (eps <= -eps0) return -Math.expm1(eps);
      return -Math.expm1((eps - eps0) / 2);
    },
    lossBounds() {
      return { lower: -eps0, upper: eps0 };
    },
  };
}

/** Losses at which delta(eps) <= tail, found by doubling (for curves without a closed form). */
function searchUpper(curve: PrivacyCurve, tail: number): number {
  let eps = 1;
  while (curve.delta(eps) > tail && eps < 1e6) eps *= 2;
  return eps;
}

/**
 * Poisson-subsampled Gaussian, "remove" direction: P = (1-q) N(0,s^2) + q N(1,s^2), Q = N(0,s^2).
 * L >= log(1-q). Requires 0 < q < 1.
 */
export function sampledGaussianRemoveCurve(q: number, sigma: number): PrivacyCurve {
  const s2 = sigma * sigma;
  const log1mQ = Math.log1p(-q);
  const curve: PrivacyCurve = {
    delta(eps) {
      if (eps <= log1mQ) return -Math.expm1(eps);
      const logGap = Math.log(Math.expm1(eps) + q); // log(e^eps - (1 - q))
      const x = s2 * (logGap - Math.log(q)) + 0.5;
      const a = Math.log(q) + logNormalSf((x - 1) / sigma);
      const b = logGap + logNormalSf(x / sigma);
      return a <= b ? 0 : expOrZero(logSub(a, b));
    },
    lossBounds(tail) {
      return { lower: log1mQ, upper: searchUpper(curve, tail) };
    },
  };
  return curve;
}

/**
 * Poisson-subsampled Gaussian, "add" direction: P = N(0,s^2), Q = (1-q) N(0,s^2) + q N(1,s^2).
 * L <= -log(1-q). Requires 0 < q < 1.
 */
export function sampledGaussianAddCurve(q: number, sigma: number): PrivacyCurve {
  const s2 = sigma * sigma;
  const log1mQ = Math.log1p(-q);
  const logQ = Math.log(q);
  return {
    delta(eps) {
      if (eps >= -log1mQ) return 0;
      const logGap = Math.log(Math.expm1(-eps) + q); // log(e^-eps - (1 - q))
      const x = s2 * (logGap - logQ) + 0.5;
      const a = Math.log(-Math.expm1(eps + log1mQ)) + logNormalCdf(x / sigma);
      const b = logQ + eps + logNormalCdf((x - 1) / sigma);
      return a <= b ? 0 : expOrZero(logSub(a, b));
    },
    lossBounds(tail) {
      // L falls as x grows; below L(x_tail) lies at most `tail` of P = N(0, s^2).
      const x = sigma * normalUpperQuantile(tail);
      const w = logQ + (2 * x - 1) / (2 * s2);
      const mix = Math.max(w, log1mQ) + Math.log1p(Math.exp(-Math.abs(w - log1mQ)));
      return { lower: -mix, upper: -log1mQ };
    },
  };
}
