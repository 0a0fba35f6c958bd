// Least-squares polynomial approximation of activations on a stated interval [-a, a], the
// standard way to make ReLU/sigmoid/GELU CKKS-friendly (Chabanne et al. 2017, "Privacy-
// Preserving Classification on Deep Neural Network"; Lee et al. 2021 for the error trade-off).
// Also the small polynomial algebra the ONNX converter uses to fold Mul/Add/Pow chains.

import { MlsecError, solveLinearSystem } from "../core/index.js";

export const ACTIVATIONS = ["relu", "sigmoid", "gelu", "tanh"] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

export const ACTIVATION_FUNCTIONS: Readonly<Record<ActivationName, (x: number) => number>> = {
  relu: (x) => Math.max(0, x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  // GELU as defined by Hendrycks & Gimpel 2016: x Φ(x).
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  tanh: Math.tanh,
};

export interface Approximation {
  readonly activation: ActivationName;
  readonly degree: number;
  /** The fit holds on [-interval, interval]; outside it the polynomial diverges. */
  readonly interval: number;
  readonly coefficients: readonly number[];
  /** Largest |p(x) - f(x)| over the fitting grid. */
  readonly maxError: number;
}

/**
 * Least-squares fit of `activation` by a degree-`degree` polynomial on a uniform grid over
 * [-interval, interval]. Fitted in t = x / interval (well conditioned), then rescaled.
 */
export function approximateActivation(
  activation: ActivationName,
  degree: number,
  interval: number,
): Approximation {
  if (!Number.isInteger(degree) || degree < 1 || degree > 8) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `the approximation degree must be 1..8, got ${degree}`,
    );
  }
  if (!(interval > 0) || !Number.isFinite(interval)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `the interval half-width must be > 0, got ${interval}`,
    );
  }
  const f = ACTIVATION_FUNCTIONS[activation];
  const n = degree + 1;
  const points = 2001;
  const gram = new Float64Array(n * n);
  const rhs = new Float64Array(n);
  const powers = new Float64Array(n);
  for (let i = 0; i < points; i++) {
    const t = -1 + (2 * i) / (points - 1);
    const y = f(t * interval);
    powers[0] = 1;
    for (let j = 1; j < n; j++) powers[j] = powers[j - 1] * t;
    for (let r = 0; r < n; r++) {
      rhs[r] += powers[r] * y;
      for (let c = 0; c < n; c++) gram[r * n + c] += powers[r] * powers[c];
    }
  }
  const inT = solveLinearSystem(gram, rhs, n);
  const coefficients = Array.from(inT, (c, j) => c / interval ** j);
  let maxError = 0;
  for (let i = 0; i < points; i++) {
    const x = (-1 + (2 * i) / (points - 1)) * interval;
    let p = 0;
    for (let j = n - 1; j >= 0; j--) p = p * x + coefficients[j];
    maxError = Math.max(maxError, Math.abs(p - f(x)));
  }
  return { activation, degree, interval, coefficients, maxError };
}

export const polyAdd = (a: readonly number[], b: readonly number[]): number[] =>
  Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));

export const polyScale = (a: readonly number[], s: number): number[] => a.map((c) => c * s);

export function polyMul(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length - 1).fill(0);
  a.forEach((x, i) => {
    b.forEach((y, j) => {
      out[i + j] += x * y;
    });
  });
  return out;
}

/** Trailing zero coefficients removed (the zero polynomial stays [0]). */
export function polyTrim(a: readonly number[]): number[] {
  let n = a.length;
  while (n > 1 && a[n - 1] === 0) n--;
  return a.slice(0, n);
}
