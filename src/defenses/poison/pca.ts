// Principal directions of a set of rows: the covariance matrix, then power iteration with
// deflation (Golub & Van Loan, "Matrix Computations", §8.2), enough for the few leading
// directions poisoning defences need.

import type { Rng } from "../../core/index.js";

/** Column means and the covariance matrix [dim, dim] of rows [n, dim]. */
export function covariance(rows: Float32Array, n: number, dim: number) {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += rows[i * dim + j] / n;
  const cov = new Float64Array(dim * dim);
  const centered = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) centered[j] = rows[i * dim + j] - mean[j];
    for (let a = 0; a < dim; a++) {
      const va = centered[a];
      if (va === 0) continue;
      for (let b = a; b < dim; b++) cov[a * dim + b] += va * centered[b];
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      cov[a * dim + b] /= n;
      cov[b * dim + a] = cov[a * dim + b];
    }
  }
  return { mean, cov };
}

/** The k leading unit eigenvectors of a symmetric PSD matrix, each of length dim. */
export function topEigenvectors(
  matrix: Float64Array,
  dim: number,
  k: number,
  rng: Rng,
  iterations = 200,
): Float64Array[] {
  const m = matrix.slice();
  const vectors: Float64Array[] = [];
  for (let component = 0; component < Math.min(k, dim); component++) {
    let v = Float64Array.from({ length: dim }, () => rng.normal());
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      const w = new Float64Array(dim);
      for (let a = 0; a < dim; a++) {
        let s = 0;
        for (let b = 0; b < dim; b++) s += m[a * dim + b] * v[b];
        w[a] = s;
      }
      let norm = 0;
      for (let a = 0; a < dim; a++) norm += w[a] * w[a];
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      for (let a = 0; a < dim; a++) w[a] /= norm;
      const converged = Math.abs(norm - lambda) <= 1e-10 * norm;
      lambda = norm;
      v = w;
      if (converged) break;
    }
    vectors.push(v);
    // Deflate: m ← m − λ v vᵀ.
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < dim; b++) m[a * dim + b] -= lambda * v[a] * v[b];
  }
  return vectors;
}
