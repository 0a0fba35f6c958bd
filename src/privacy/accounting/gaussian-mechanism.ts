// Calibrating the Gaussian and Laplace mechanisms: the classic bound (Dwork & Roth 2014,
// Thm. A.1) and the analytic Gaussian mechanism (Balle & Wang 2018, "Improving the Gaussian
// mechanism for differential privacy", Thm. 8 and Alg. 1, here solved by bisection).

import { MlsecError } from "../../core/index.js";
import { gaussianCurve } from "./pld-curves.js";

function check(name: string, value: number, ok: boolean): void {
  if (!ok) throw new MlsecError("E_INVALID_ARGUMENT", `${name} is out of range: ${value}`);
}

/** Exact delta(eps) of the Gaussian mechanism with noise std sigma and L2 sensitivity. */
export function gaussianDelta(sigma: number, epsilon: number, sensitivity = 1): number {
  check("sigma", sigma, sigma > 0);
  check("epsilon", epsilon, epsilon >= 0);
  check("sensitivity", sensitivity, sensitivity > 0);
  return gaussianCurve(sigma / sensitivity).delta(epsilon);
}

/** Exact epsilon(delta) of the Gaussian mechanism (bisection on the decreasing delta(eps)). */
export function gaussianEpsilon(sigma: number, delta: number, sensitivity = 1): number {
  check("delta", delta, delta > 0 && delta < 1);
  if (gaussianDelta(sigma, 0, sensitivity) <= delta) return 0;
  let lo = 0;
  let hi = 1;
  while (gaussianDelta(sigma, hi, sensitivity) > delta) {
    lo = hi;
    hi *= 2;
    if (hi > 1e8) return Infinity;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (gaussianDelta(sigma, mid, sensitivity) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The smallest sigma giving (eps, delta)-DP: the analytic Gaussian mechanism. */
export function analyticGaussianSigma(epsilon: number, delta: number, sensitivity = 1): number {
  check("epsilon", epsilon, epsilon > 0 && Number.isFinite(epsilon));
  check("delta", delta, delta > 0 && delta < 1);
  check("sensitivity", sensitivity, sensitivity > 0);
  let lo = 1e-6 * sensitivity;
  let hi = sensitivity;
  while (gaussianDelta(hi, epsilon, sensitivity) > delta) hi *= 2;
  while (gaussianDelta(lo, epsilon, sensitivity) <= delta) lo /= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (gaussianDelta(mid, epsilon, sensitivity) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The classic calibration sigma = sensitivity sqrt(2 ln(1.25/delta)) / eps, valid for eps < 1. */
export function classicGaussianSigma(epsilon: number, delta: number, sensitivity = 1): number {
  check("epsilon", epsilon, epsilon > 0 && epsilon < 1);
  check("delta", delta, delta > 0 && delta < 1);
  check("sensitivity", sensitivity, sensitivity > 0);
  return (sensitivity * Math.sqrt(2 * Math.log(1.25 / delta))) / epsilon;
}

/** Laplace scale b = sensitivity / eps for pure eps-DP (Dwork et al. 2006). */
export function laplaceScale(epsilon: number, sensitivity = 1): number {
  check("epsilon", epsilon, epsilon > 0 && Number.isFinite(epsilon));
  check("sensitivity", sensitivity, sensitivity > 0);
  return sensitivity / epsilon;
}
