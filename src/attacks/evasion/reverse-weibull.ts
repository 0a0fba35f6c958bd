// Maximum-likelihood fit of the reverse Weibull distribution, the extreme-value law of maxima of
// a variable bounded above (Weng et al. 2018, "Evaluating the Robustness of Neural Networks: An
// Extreme Value Theory Approach", §3.3: CLEVER takes its location as the local Lipschitz
// constant). F(y) = exp(−((a − y)/b)^c) for y < a, with location a, scale b > 0, shape c > 0.
//
// The fit profiles the likelihood (Smith 1985, "Maximum likelihood estimation in a class of
// nonregular cases"): for fixed a, u_i = a − y_i are Weibull(c, b), whose scale has the closed
// form b^c = mean(u^c) and whose shape solves 1/c + mean(ln u) − Σ u^c ln u / Σ u^c = 0, a
// strictly decreasing function of c, so bisection on ln c finds it. That leaves a 1-D search
// over a > max y. For c < 1 the likelihood grows without bound as a → max y, so, as Smith
// recommends, the estimate is the highest interior local maximum (log-spaced grid, then golden
// section); the data are standardised first so the grid and the exponents stay in range. As
// a → ∞ (with c → ∞) the law tends to the Gumbel, which has no upper endpoint; an interior
// maximum is kept only if its likelihood beats that far end by a likelihood-ratio margin of
// χ²₁(0.95)/2 = 1.92 nats, otherwise the samples give no evidence of a finite endpoint.

import { MlsecError } from "../../core/index.js";

export interface ReverseWeibullFit {
  readonly location: number;
  readonly scale: number;
  readonly shape: number;
  /** Log-likelihood of the samples at the fit (NaN when degenerate). */
  readonly logLikelihood: number;
  /**
   * mle: an interior likelihood maximum; degenerate: (nearly) equal samples, location = their
   * value; no-interior-maximum: the likelihood has no interior maximum (it rises toward the
   * largest sample or keeps rising with a); no-finite-endpoint: an interior maximum no more
   * likely than the Gumbel limit. Both fall back to the largest sample as the location.
   */
  readonly method: "mle" | "degenerate" | "no-interior-maximum" | "no-finite-endpoint";
}

/** Relative spread under which the samples count as one value (float32 gradient noise). */
const DEGENERATE_SPREAD = 1e-6;
const GRID_MIN = 1e-4;
const GRID_MAX = 1e4;
const GRID_PER_DECADE = 24;
/** Likelihood-ratio margin (nats) an interior maximum needs over the Gumbel end of the grid. */
const ENDPOINT_EVIDENCE = 1.92;

/** Shape ĉ and profile log-likelihood per sample at offsets u_i > 0 (standardised units). */
function profile(u: Float64Array): { shape: number; perSample: number; scale: number } {
  const n = u.length;
  let uMax = 0;
  let meanLog = 0;
  for (const v of u) {
    uMax = Math.max(uMax, v);
    meanLog += Math.log(v);
  }
  meanLog /= n;
  const logMax = Math.log(uMax);
  const logs = Float64Array.from(u, (v) => Math.log(v) - logMax);
  // With v = u / max u ≤ 1: Σ u^c ln u / Σ u^c = ln max u + Σ v^c ln v / Σ v^c (no overflow).
  const moments = (c: number) => {
    let s0 = 0;
    let s1 = 0;
    for (const l of logs) {
      const w = Math.exp(c * l);
      s0 += w;
      s1 += w * l;
    }
    return { s0, s1 };
  };
  const h = (c: number) => {
    const { s0, s1 } = moments(c);
    return 1 / c + meanLog - logMax - s1 / s0;
  };
  let lo = -30;
  let hi = 30;
  for (let k = 0; k < 200 && hi - lo > 1e-12; k++) {
    const mid = (lo + hi) / 2;
    if (h(Math.exp(mid)) > 0) lo = mid;
    else hi = mid;
  }
  const c = Math.exp((lo + hi) / 2);
  const { s0 } = moments(c);
  // ln mean(u^c) = c ln max u + ln(Σ v^c / n)
  const logMeanPow = c * logMax + Math.log(s0 / n);
  return {
    shape: c,
    scale: Math.exp(logMeanPow / c),
    perSample: Math.log(c) - logMeanPow + (c - 1) * meanLog - 1,
  };
}

export function fitReverseWeibull(samples: ArrayLike<number>): ReverseWeibullFit {
  const n = samples.length;
  if (n < 3) {
    throw new MlsecError("E_INVALID_ARGUMENT", `a reverse Weibull fit needs ≥ 3 samples, got ${n}`);
  }
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = samples[i];
    if (!Number.isFinite(v)) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `reverse Weibull samples must be finite, got ${v}`,
      );
    }
    max = Math.max(max, v);
    min = Math.min(min, v);
  }
  const spread = max - min;
  if (spread <= DEGENERATE_SPREAD * Math.max(1, Math.abs(max))) {
    return {
      location: max,
      scale: 0,
      shape: Number.POSITIVE_INFINITY,
      logLikelihood: Number.NaN,
      method: "degenerate",
    };
  }
  // Standardised: z_i = (y_i − max) / spread ∈ [−1, 0], location max + spread · α, α > 0.
  const z = Float64Array.from({ length: n }, (_, i) => (samples[i] - max) / spread);
  const at = (logAlpha: number) => {
    const alpha = Math.exp(logAlpha);
    return profile(Float64Array.from(z, (v) => alpha - v));
  };
  const steps = Math.round(Math.log10(GRID_MAX / GRID_MIN) * GRID_PER_DECADE);
  const grid = Array.from(
    { length: steps + 1 },
    (_, k) => Math.log(GRID_MIN) + (k / steps) * Math.log(GRID_MAX / GRID_MIN),
  );
  const values = grid.map((g) => at(g).perSample);
  let bestK = -1;
  for (let k = 1; k < steps; k++) {
    const interior = values[k] >= values[k - 1] && values[k] >= values[k + 1];
    if (interior && (bestK < 0 || values[k] > values[bestK])) bestK = k;
  }
  const fallback = (method: "no-interior-maximum" | "no-finite-endpoint"): ReverseWeibullFit => ({
    location: max,
    scale: Number.NaN,
    shape: Number.NaN,
    logLikelihood: Number.NaN,
    method,
  });
  if (bestK < 0) return fallback("no-interior-maximum");
  // Golden-section refinement of the bracketing grid cell pair.
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = grid[bestK - 1];
  let b = grid[bestK + 1];
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = at(c).perSample;
  let fd = at(d).perSample;
  for (let k = 0; k < 100 && b - a > 1e-12; k++) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = at(c).perSample;
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = at(d).perSample;
    }
  }
  const logAlpha = (a + b) / 2;
  const fit = at(logAlpha);
  if (n * (fit.perSample - values[steps]) < ENDPOINT_EVIDENCE)
    return fallback("no-finite-endpoint");
  return {
    location: max + spread * Math.exp(logAlpha),
    scale: spread * fit.scale,
    shape: fit.shape,
    // Back to the original units: each density picks up a factor 1 / spread.
    logLikelihood: n * (fit.perSample - Math.log(spread)),
    method: "mle",
  };
}
