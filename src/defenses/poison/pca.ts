// Principal directions of a set of rows: the covariance matrix, then subspace iteration with a
// Rayleigh–Ritz step (Golub & Van Loan, "Matrix Computations"), enough for the few leading
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

/** Orthonormalizes the q columns of Q [dim, q] in place (modified Gram–Schmidt). */
function orthonormalize(Q: Float64Array, dim: number, q: number, rng: Rng): void {
  for (let c = 0; c < q; c++) {
    for (let attempt = 0; attempt < 3; attempt++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let a = 0; a < dim; a++) dot += Q[a * q + c] * Q[a * q + p];
        for (let a = 0; a < dim; a++) Q[a * q + c] -= dot * Q[a * q + p];
      }
      let norm = 0;
      for (let a = 0; a < dim; a++) norm += Q[a * q + c] ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-12) {
        for (let a = 0; a < dim; a++) Q[a * q + c] /= norm;
        break;
      }
      // The column collapsed into the others: restart it from noise.
      for (let a = 0; a < dim; a++) Q[a * q + c] = rng.normal();
    }
  }
}

/**
 * Eigenvalues and eigenvectors (columns of V) of a small symmetric matrix by cyclic Jacobi
 * rotations (Golub & Van Loan §8.5).
 */
export function jacobiEigen(
  matrix: Float64Array,
  n: number,
): { values: Float64Array; V: Float64Array } {
  const A = matrix.slice();
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += A[i * n + j] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let r = p + 1; r < n; r++) {
        const apr = A[p * n + r];
        if (Math.abs(apr) < 1e-300) continue;
        const theta = (A[r * n + r] - A[p * n + p]) / (2 * apr);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akr = A[k * n + r];
          A[k * n + p] = c * akp - s * akr;
          A[k * n + r] = s * akp + c * akr;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const ark = A[r * n + k];
          A[p * n + k] = c * apk - s * ark;
          A[r * n + k] = s * apk + c * ark;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkr = V[k * n + r];
          V[k * n + p] = c * vkp - s * vkr;
          V[k * n + r] = s * vkp + c * vkr;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => A[i * n + i]), V };
}

/**
 * The k leading unit eigenvectors of a symmetric PSD matrix [dim, dim], by subspace iteration
 * with a few extra columns and a Rayleigh–Ritz step (Golub & Van Loan §8.2.4), so that close
 * leading eigenvalues do not leave the directions mixed.
 */
export function topEigenvectors(
  matrix: Float64Array,
  dim: number,
  k: number,
  rng: Rng,
  iterations = 300,
): Float64Array[] {
  const want = Math.min(k, dim);
  const q = Math.min(dim, want + 5);
  let Q = Float64Array.from({ length: dim * q }, () => rng.normal());
  orthonormalize(Q, dim, q, rng);
  let previous = Number.NaN;
  for (let it = 0; it < iterations; it++) {
    const Z = new Float64Array(dim * q);
    for (let a = 0; a < dim; a++) {
      for (let b = 0; b < dim; b++) {
        const m = matrix[a * dim + b];
        if (m === 0) continue;
        for (let c = 0; c < q; c++) Z[a * q + c] += m * Q[b * q + c];
      }
    }
    orthonormalize(Z, dim, q, rng);
    Q = Z;
    // The Rayleigh quotients of the wanted columns stop moving once the subspace has settled.
    let trace = 0;
    for (let c = 0; c < want; c++) trace += quadratic(matrix, Q, dim, q, c);
    if (Math.abs(trace - previous) <= 1e-12 * Math.abs(trace)) break;
    previous = trace;
  }
  // Rayleigh–Ritz: T = Qᵀ M Q, then rotate Q by T's eigenvectors.
  const MQ = new Float64Array(dim * q);
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b < dim; b++) {
      const m = matrix[a * dim + b];
      if (m === 0) continue;
      for (let c = 0; c < q; c++) MQ[a * q + c] += m * Q[b * q + c];
    }
  }
  const T = new Float64Array(q * q);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      let sum = 0;
      for (let a = 0; a < dim; a++) sum += Q[a * q + i] * MQ[a * q + j];
      T[i * q + j] = sum;
    }
  }
  for (let i = 0; i < q; i++)
    for (let j = i + 1; j < q; j++) T[i * q + j] = T[j * q + i] = (T[i * q + j] + T[j * q + i]) / 2;
  const { values, V } = jacobiEigen(T, q);
  const order = Array.from({ length: q }, (_, i) => i).sort((a, b) => values[b] - values[a]);
  return order.slice(0, want).map((col) => {
    const v = new Float64Array(dim);
    for (let a = 0; a < dim; a++) {
      let sum = 0;
      for (let j = 0; j < q; j++) sum += Q[a * q + j] * V[j * q + col];
      v[a] = sum;
    }
    return v;
  });
}

function quadratic(
  matrix: Float64Array,
  Q: Float64Array,
  dim: number,
  q: number,
  c: number,
): number {
  let total = 0;
  for (let a = 0; a < dim; a++) {
    let row = 0;
    for (let b = 0; b < dim; b++) row += matrix[a * dim + b] * Q[b * q + c];
    total += Q[a * q + c] * row;
  }
  return total;
}
