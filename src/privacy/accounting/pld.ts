// Discrete privacy loss distributions (Koskela, Jalko & Honkela 2020; Doroshenko, Ghazi, Kamath,
// Kumar & Manurangsi 2022, "Connect the dots: tighter discrete approximations of privacy loss
// distributions", Alg. 1): pessimistic discretization, composition by convolution, and the
// (epsilon, delta) read-out.

import { MlsecError } from "../../core/index.js";
import { convolve } from "./fft.js";
import type { PrivacyCurve } from "./pld-curves.js";

/** Masses at losses (offset + i) * interval, plus mass at +infinity. */
export interface DiscretePld {
  readonly interval: number;
  readonly offset: number;
  readonly pmf: Float64Array;
  readonly infinityMass: number;
}

/** Bound on the number of buckets of one PLD (memory and time). */
export const MAX_PLD_BUCKETS = 1 << 22;

export function identityPld(interval: number): DiscretePld {
  return { interval, offset: 0, pmf: Float64Array.of(1), infinityMass: 0 };
}

/** A PLD with all its mass at +infinity (no privacy). */
export function infinitePld(interval: number): DiscretePld {
  return { interval, offset: 0, pmf: new Float64Array(0), infinityMass: 1 };
}

function checkSize(buckets: number, interval: number): void {
  if (buckets > MAX_PLD_BUCKETS) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `the privacy loss distribution needs ${buckets} buckets (limit ${MAX_PLD_BUCKETS})`,
      { hint: `Use a coarser discretization interval than ${interval}.` },
    );
  }
}

/**
 * Connect-the-dots discretization: the PLD on the grid whose delta(eps) curve interpolates the
 * true one linearly in e^eps between grid points. delta is convex in e^eps, so the result
 * dominates the mechanism (pessimistic) and is exact at every grid point.
 */
export function pldFromCurve(curve: PrivacyCurve, interval: number, tail: number): DiscretePld {
  const { lower, upper } = curve.lossBounds(tail);
  const i0 = Math.floor(lower / interval);
  const i1 = Math.ceil(upper / interval);
  const m = i1 - i0 + 1;
  checkSize(m, interval);
  const x = new Float64Array(m);
  const d = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const eps = (i0 + j) * interval;
    x[j] = Math.exp(eps);
    d[j] = Math.min(curve.delta(eps), 1);
  }
  // Slopes of delta against e^eps: from (0, 1) to the first point, between points, then flat.
  const pmf = new Float64Array(m);
  let prevSlope = (d[0] - 1) / x[0];
  for (let j = 0; j < m; j++) {
    const slope = j + 1 < m ? (d[j + 1] - d[j]) / (x[j + 1] - x[j]) : 0;
    pmf[j] = Math.max(0, x[j] * (slope - prevSlope));
    prevSlope = slope;
  }
  return trim({ interval, offset: i0, pmf, infinityMass: d[m - 1] }, tail);
}

/**
 * Drops at most `tail` mass from each end, pessimistically: the lower tail moves up to the
 * first kept bucket, the upper tail moves to +infinity.
 */
export function trim(pld: DiscretePld, tail: number): DiscretePld {
  const p = pld.pmf;
  let lo = 0;
  let lowMass = 0;
  while (lo < p.length - 1 && lowMass + p[lo] <= tail) lowMass += p[lo++];
  let hi = p.length - 1;
  let highMass = 0;
  while (hi > lo && highMass + p[hi] <= tail) highMass += p[hi--];
  if (lo === 0 && hi === p.length - 1) return pld;
  const pmf = p.slice(lo, hi + 1);
  if (pmf.length > 0) pmf[0] += lowMass;
  return {
    interval: pld.interval,
    offset: pld.offset + lo,
    pmf,
    infinityMass: pld.infinityMass + highMass,
  };
}

/** The PLD of running both mechanisms (independent composition). */
export function composePld(a: DiscretePld, b: DiscretePld, tail: number): DiscretePld {
  if (a.interval !== b.interval) {
    throw new MlsecError("E_INVALID_ARGUMENT", "PLDs with different intervals cannot compose");
  }
  const infinityMass = a.infinityMass + b.infinityMass - a.infinityMass * b.infinityMass;
  if (a.pmf.length === 0 || b.pmf.length === 0) return infinitePld(a.interval);
  checkSize(a.pmf.length + b.pmf.length - 1, a.interval);
  const pmf = convolve(a.pmf, b.pmf);
  return trim({ interval: a.interval, offset: a.offset + b.offset, pmf, infinityMass }, tail);
}

/** `count` independent runs of one mechanism, by repeated squaring (O(log count) convolutions). */
export function selfComposePld(pld: DiscretePld, count: number, tail: number): DiscretePld {
  let result = identityPld(pld.interval);
  let power = pld;
  let n = count;
  while (n > 0) {
    if (n & 1) result = composePld(result, power, tail);
    n = Math.floor(n / 2);
    if (n > 0) power = composePld(power, power, tail);
  }
  return result;
}

/** delta(eps) = mass at infinity + sum over losses above eps of p (1 - e^{eps - loss}). */
export function pldDelta(pld: DiscretePld, epsilon: number): number {
  let delta = pld.infinityMass;
  for (let j = pld.pmf.length - 1; j >= 0; j--) {
    const loss = (pld.offset + j) * pld.interval;
    if (loss <= epsilon) break;
    delta += pld.pmf[j] * -Math.expm1(epsilon - loss);
  }
  return Math.min(1, delta);
}

/** The smallest eps >= 0 with delta(eps) <= delta (Infinity if the mass at infinity exceeds it). */
export function pldEpsilon(pld: DiscretePld, delta: number): number {
  let s0 = pld.infinityMass; // mass above the current point
  let s1 = 0; // sum of p e^{-loss} above the current point
  if (s0 > delta) return Infinity;
  for (let k = pld.pmf.length - 1; k >= 0; k--) {
    const loss = (pld.offset + k) * pld.interval;
    if (s0 - Math.exp(loss) * s1 > delta) return Math.max(0, Math.log((s0 - delta) / s1));
    s0 += pld.pmf[k];
    s1 += pld.pmf[k] * Math.exp(-loss);
  }
  return s1 > 0 ? Math.max(0, Math.log((s0 - delta) / s1)) : 0;
}
