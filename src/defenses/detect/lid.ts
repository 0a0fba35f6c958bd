// Local intrinsic dimensionality of a sample's features among clean reference features: Ma et
// al., "Characterizing Adversarial Subspaces Using Local Intrinsic Dimensionality" (ICLR 2018),
// Eq. 4, the maximum-likelihood estimate LID = −((1/k) Σᵢ log(rᵢ / r_k))⁻¹ over the distances
// r₁ ≤ … ≤ r_k to the k nearest references. Ma et al. train a logistic regression on LID
// features of known attacks; fitted on clean data only, the LID itself is the score (adversarial
// regions have higher LID).

import { MlsecError } from "../../core/index.js";

export interface LidParams {
  readonly dim: number;
  /** Clean reference features, [references, dim]. */
  readonly references: Float32Array;
  readonly k: number;
}

/** LID estimate of each row of features [n, dim] against the references (zero distances skipped). */
export function lidScores(params: LidParams, features: Float32Array): Float32Array {
  const { dim, references, k } = params;
  const m = references.length / dim;
  if (k < 2 || k > m) {
    throw new MlsecError("E_INVALID_ARGUMENT", `LID needs 2 <= k <= ${m} references, got k = ${k}`);
  }
  const n = features.length / dim;
  const out = new Float32Array(n);
  const nearest = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    nearest.fill(Number.POSITIVE_INFINITY);
    for (let r = 0; r < m; r++) {
      let d2 = 0;
      for (let j = 0; j < dim; j++) {
        const d = features[i * dim + j] - references[r * dim + j];
        d2 += d * d;
      }
      // A reference identical to the sample (the sample itself) carries no information.
      if (d2 === 0 || d2 >= nearest[k - 1]) continue;
      let at = k - 1;
      while (at > 0 && nearest[at - 1] > d2) {
        nearest[at] = nearest[at - 1];
        at--;
      }
      nearest[at] = d2;
    }
    const rk = Math.sqrt(nearest[k - 1]);
    let sum = 0;
    for (let t = 0; t < k; t++) sum += Math.log(Math.sqrt(nearest[t]) / rk);
    // All k neighbours at the same distance: the estimate diverges; report the largest float.
    out[i] = sum === 0 || !Number.isFinite(rk) ? 3.4e38 : -k / sum;
  }
  return out;
}
