// Dense linear solve by Gaussian elimination with partial pivoting (Golub & Van Loan,
// "Matrix Computations", §3.4), for the small normal equations of least-squares fits.

import { MlsecError } from "./errors.js";

/** Solves A x = b (n×n, row-major); A and b are overwritten. A zero pivot is E_INTERNAL. */
export function solveLinearSystem(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(a[r * n + col]) > Math.abs(a[pivot * n + col])) pivot = r;
    if (a[pivot * n + col] === 0) {
      throw new MlsecError("E_INTERNAL", "singular linear system in a least-squares fit");
    }
    if (pivot !== col) {
      for (let c = 0; c < n; c++)
        [a[col * n + c], a[pivot * n + c]] = [a[pivot * n + c], a[col * n + c]];
      [b[col], b[pivot]] = [b[pivot], b[col]];
    }
    const p = a[col * n + col];
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col] / p;
      if (f === 0) continue;
      for (let c = col; c < n; c++) a[r * n + c] -= f * a[col * n + c];
      b[r] -= f * b[col];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let c = r + 1; c < n; c++) s -= a[r * n + c] * x[c];
    x[r] = s / a[r * n + r];
  }
  return x;
}
