// Mahalanobis-distance detector on penultimate-layer features: Lee, Lee, Lee & Shin, "A Simple
// Unified Framework for Detecting Out-of-Distribution Samples and Adversarial Attacks"
// (NeurIPS 2018), Eq. 1–2: class-conditional Gaussians with one shared covariance, score =
// min over classes of (f − μ_c)ᵀ Σ⁻¹ (f − μ_c). The covariance is shrunk towards a scaled
// identity with the Ledoit & Wolf (2004) intensity so dead ReLU units do not make it singular.
// (Lee et al.'s input pre-processing and layer ensemble are not used.)

import { MlsecError } from "../../core/index.js";

export interface MahalanobisParams {
  readonly classes: number;
  readonly dim: number;
  /** Class means, [classes, dim]. */
  readonly means: Float32Array;
  /** Inverse of the shrunk shared covariance, [dim, dim]. */
  readonly precision: Float32Array;
  /** Ledoit–Wolf shrinkage intensity used, in [0, 1]. */
  readonly shrinkage: number;
}

/** Fits class means and the shrunk shared covariance from features [n, dim] and labels. */
export function fitMahalanobis(
  features: Float32Array,
  dim: number,
  labels: Int32Array,
  classes: number,
): MahalanobisParams {
  const n = labels.length;
  const sums = new Float64Array(classes * dim);
  const counts = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!(c >= 0 && c < classes)) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `label ${c} is outside the model's ${classes} classes`,
      );
    }
    counts[c]++;
    for (let j = 0; j < dim; j++) sums[c * dim + j] += features[i * dim + j];
  }
  const means = new Float32Array(classes * dim);
  for (let c = 0; c < classes; c++) {
    if (counts[c] === 0) {
      throw new MlsecError("E_INVALID_ARGUMENT", `class ${c} has no samples in the fitting data`, {
        hint: "Fit on clean data that holds every class.",
      });
    }
    for (let j = 0; j < dim; j++) means[c * dim + j] = sums[c * dim + j] / counts[c];
  }
  const centered = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    for (let j = 0; j < dim; j++)
      centered[i * dim + j] = features[i * dim + j] - means[c * dim + j];
  }
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    const row = centered.subarray(i * dim, (i + 1) * dim);
    for (let a = 0; a < dim; a++) {
      const va = row[a];
      if (va === 0) continue;
      for (let b = a; b < dim; b++) cov[a * dim + b] += va * row[b];
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      cov[a * dim + b] /= n;
      cov[b * dim + a] = cov[a * dim + b];
    }
  }
  const shrinkage = ledoitWolfIntensity(centered, n, dim, cov);
  let trace = 0;
  for (let a = 0; a < dim; a++) trace += cov[a * dim + a];
  const mu = trace / dim;
  const shrunk = new Float64Array(dim * dim);
  for (let k = 0; k < shrunk.length; k++) shrunk[k] = (1 - shrinkage) * cov[k];
  // A floor keeps the matrix positive definite when every feature is constant.
  const ridge = Math.max(shrinkage * mu, 1e-6 * Math.max(mu, 1e-12));
  for (let a = 0; a < dim; a++) shrunk[a * dim + a] += ridge;
  return { classes, dim, means, precision: Float32Array.from(inverseSpd(shrunk, dim)), shrinkage };
}

/**
 * Ledoit & Wolf, "A well-conditioned estimator for large-dimensional covariance matrices"
 * (J. Multivariate Analysis 2004), Lemma 3.2–3.4: δ = min(1, b̄² / d²) with d² = ‖S − mI‖²/p
 * and b̄² = (1/n²) Σ_k ‖x_k x_kᵀ − S‖²/p, where ‖x xᵀ − S‖² = ‖x‖⁴ − 2 xᵀSx + ‖S‖².
 */
function ledoitWolfIntensity(
  centered: Float64Array,
  n: number,
  dim: number,
  cov: Float64Array,
): number {
  let trace = 0;
  let frob = 0;
  for (let a = 0; a < dim; a++) trace += cov[a * dim + a];
  for (let k = 0; k < cov.length; k++) frob += cov[k] * cov[k];
  const m = trace / dim;
  const d2 = (frob - 2 * m * trace + m * m * dim) / dim;
  if (d2 <= 0) return 1;
  let b2 = 0;
  const sx = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const x = centered.subarray(i * dim, (i + 1) * dim);
    let norm2 = 0;
    for (let a = 0; a < dim; a++) norm2 += x[a] * x[a];
    sx.fill(0);
    for (let a = 0; a < dim; a++) {
      const xa = x[a];
      if (xa === 0) continue;
      for (let b = 0; b < dim; b++) sx[b] += cov[a * dim + b] * xa;
    }
    let xsx = 0;
    for (let b = 0; b < dim; b++) xsx += x[b] * sx[b];
    b2 += (norm2 * norm2 - 2 * xsx + frob) / dim;
  }
  b2 /= n * n;
  return Math.min(1, Math.max(0, b2 / d2));
}

/** Inverse of a symmetric positive-definite matrix through its Cholesky factor. */
export function inverseSpd(matrix: Float64Array, dim: number): Float64Array {
  const L = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      let s = matrix[i * dim + j];
      for (let k = 0; k < j; k++) s -= L[i * dim + k] * L[j * dim + k];
      if (i === j) {
        if (!(s > 0)) {
          throw new MlsecError(
            "E_INVALID_ARGUMENT",
            "the feature covariance is not positive definite",
          );
        }
        L[i * dim + i] = Math.sqrt(s);
      } else L[i * dim + j] = s / L[j * dim + j];
    }
  }
  // Solve L Lᵀ X = I column by column.
  const inverse = new Float64Array(dim * dim);
  const y = new Float64Array(dim);
  for (let col = 0; col < dim; col++) {
    for (let i = 0; i < dim; i++) {
      let s = i === col ? 1 : 0;
      for (let k = 0; k < i; k++) s -= L[i * dim + k] * y[k];
      y[i] = s / L[i * dim + i];
    }
    for (let i = dim - 1; i >= 0; i--) {
      let s = y[i];
      for (let k = i + 1; k < dim; k++) s -= L[k * dim + i] * inverse[k * dim + col];
      inverse[i * dim + col] = s / L[i * dim + i];
    }
  }
  return inverse;
}

/** min over classes of the squared Mahalanobis distance, per row of features [n, dim]. */
export function mahalanobisScores(params: MahalanobisParams, features: Float32Array): Float32Array {
  const { classes, dim, means, precision } = params;
  const n = features.length / dim;
  const out = new Float32Array(n);
  const diff = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      for (let j = 0; j < dim; j++) diff[j] = features[i * dim + j] - means[c * dim + j];
      let q = 0;
      for (let a = 0; a < dim; a++) {
        let row = 0;
        for (let b = 0; b < dim; b++) row += precision[a * dim + b] * diff[b];
        q += diff[a] * row;
      }
      if (q < best) best = q;
    }
    out[i] = best;
  }
  return out;
}
