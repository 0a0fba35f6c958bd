// Poisson subsampling (Abadi et al. 2016 §3.1; the sampling the subsampled-Gaussian RDP bound of
// Mironov, Talwar & Zhang 2019 assumes): each example joins the batch independently with
// probability q, so batch sizes vary from step to step.

import { MlsecError, type Rng } from "../../core/index.js";

/** Indexes of the examples drawn for one step, in increasing order. */
export function poissonSample(n: number, q: number, rng: Rng): Int32Array {
  if (!(q > 0 && q <= 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `the sampling rate must be in (0, 1], got ${q}`);
  }
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (rng.next() < q) rows.push(i);
  return Int32Array.from(rows);
}
