// Weighted ridge regression with an unpenalised intercept, the local surrogate LIME fits
// (Ribeiro, Singh & Guestrin 2016, §3.4; α = 1 as in its reference implementation): centre on
// the weighted means, solve (ZᵀWZ + αI) β = ZᵀW y, and report the weighted R².

import { solveLinear } from "./solve.js";

export interface RidgeFit {
  readonly coefficients: Float64Array;
  readonly intercept: number;
  /** Weighted R² of the fit on its own samples. */
  readonly score: number;
}

/** Fits y ≈ intercept + z·β over m samples of d binary (or real) features, row-major z. */
export function weightedRidge(
  z: ArrayLike<number>,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  d: number,
  alpha: number,
): RidgeFit {
  const m = y.length;
  let wSum = 0;
  let yMean = 0;
  const zMean = new Float64Array(d);
  for (let s = 0; s < m; s++) {
    wSum += w[s];
    yMean += w[s] * y[s];
    for (let j = 0; j < d; j++) zMean[j] += w[s] * z[s * d + j];
  }
  yMean /= wSum;
  for (let j = 0; j < d; j++) zMean[j] /= wSum;
  const ata = new Float64Array(d * d);
  const atb = new Float64Array(d);
  const row = new Float64Array(d);
  for (let s = 0; s < m; s++) {
    for (let j = 0; j < d; j++) row[j] = z[s * d + j] - zMean[j];
    const yc = y[s] - yMean;
    for (let i = 0; i < d; i++) {
      const wr = w[s] * row[i];
      atb[i] += wr * yc;
      for (let j = 0; j < d; j++) ata[i * d + j] += wr * row[j];
    }
  }
  for (let i = 0; i < d; i++) ata[i * d + i] += alpha;
  const beta = solveLinear(ata, atb, d);
  let intercept = yMean;
  for (let j = 0; j < d; j++) intercept -= beta[j] * zMean[j];
  let ssRes = 0;
  let ssTot = 0;
  for (let s = 0; s < m; s++) {
    let fit = intercept;
    for (let j = 0; j < d; j++) fit += beta[j] * z[s * d + j];
    ssRes += w[s] * (y[s] - fit) ** 2;
    ssTot += w[s] * (y[s] - yMean) ** 2;
  }
  return { coefficients: beta, intercept, score: ssTot > 0 ? 1 - ssRes / ssTot : 1 };
}
