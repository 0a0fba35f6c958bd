// The normal equations of KernelSHAP and LIME, solved with a whisper of ridge so that a feature
// that never varies in the samples does not make the system singular.

import { solveLinearSystem } from "../core/index.js";

/** Solves the symmetric system A x = b (n×n, row-major); A and b are overwritten. */
export function solveLinear(a: Float64Array, b: Float64Array, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i];
  const ridge = 1e-12 * (trace / Math.max(1, n) || 1);
  for (let i = 0; i < n; i++) a[i * n + i] += ridge;
  return solveLinearSystem(a, b, n);
}
