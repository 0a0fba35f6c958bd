// Laplace and Gaussian mechanisms on real values without the floating-point attack of Mironov
// 2012 ("On significance of the least significant bits for differential privacy"): round the
// value to a grid of width 2^-k and add exact discrete Laplace or discrete Gaussian noise on
// that grid (Canonne, Kamath & Steinke 2020; the "granularity" approach of Google's
// differential-privacy library, "Secure noise generation", 2020).

import { MlsecError } from "../../core/index.js";
import { sampleDiscreteGaussian } from "./discrete-gaussian.js";
import { sampleDiscreteLaplace } from "./discrete-laplace.js";
import { type RandomSource, secureRandom } from "./random-source.js";
import { roundToGrid, toRational } from "./rational.js";

/** Grid steps per unit of noise scale: the noise is resolved to scale / 2^GRID_BITS. */
const GRID_BITS = 40;

export interface NoisyValue {
  readonly value: number;
  /** Width of the output grid (a power of two). */
  readonly granularity: number;
}

function positive(name: string, v: number): void {
  if (!(v > 0 && Number.isFinite(v))) {
    throw new MlsecError("E_INVALID_ARGUMENT", `${name} must be a finite number > 0, got ${v}`);
  }
}

function gridFor(scale: number): { gamma: number; exponent: number } {
  const exponent = Math.floor(Math.log2(scale)) - GRID_BITS;
  return { gamma: 2 ** exponent, exponent };
}

/** Sensitivity in grid steps: rounding can move two values by one more step. */
function gridSensitivity(sensitivity: number, gamma: number): bigint {
  return BigInt(Math.floor(sensitivity / gamma)) + 1n;
}

/**
 * epsilon-DP Laplace mechanism: value + Laplace(sensitivity / epsilon), realised exactly on a
 * grid. The output is epsilon-DP for neighbours whose values differ by at most `sensitivity`.
 */
export function laplaceMechanism(
  value: number,
  options: { sensitivity: number; epsilon: number },
  rs: RandomSource = secureRandom,
): NoisyValue {
  positive("sensitivity", options.sensitivity);
  positive("epsilon", options.epsilon);
  if (!Number.isFinite(value)) throw new MlsecError("E_NON_FINITE", `value ${value} is not finite`);
  const { gamma, exponent } = gridFor(options.sensitivity / options.epsilon);
  const units = gridSensitivity(options.sensitivity, gamma);
  // Scale in grid units: units / epsilon, as an exact fraction.
  const eps = toRational(options.epsilon);
  const z = sampleDiscreteLaplace(units * eps.den, eps.num, rs);
  return { value: Number(roundToGrid(value, exponent) + z) * gamma, granularity: gamma };
}

/**
 * Gaussian mechanism: value + N(0, sigma^2) realised as a discrete Gaussian on a grid, with the
 * noise-to-sensitivity ratio kept at sigma / sensitivity (so the accountants' guarantees for
 * that noise multiplier carry over; CKS 2020, Thm. 7 and §4).
 */
export function gaussianMechanism(
  value: number,
  options: { sensitivity: number; sigma: number },
  rs: RandomSource = secureRandom,
): NoisyValue {
  positive("sensitivity", options.sensitivity);
  positive("sigma", options.sigma);
  if (!Number.isFinite(value)) throw new MlsecError("E_NON_FINITE", `value ${value} is not finite`);
  const { gamma, exponent } = gridFor(options.sigma);
  const units = gridSensitivity(options.sensitivity, gamma);
  // sigma in grid units = units * sigma / sensitivity; its square as an exact fraction.
  const ratio = toRational(options.sigma / options.sensitivity);
  const z = sampleDiscreteGaussian(
    units * units * ratio.num * ratio.num,
    ratio.den * ratio.den,
    rs,
  );
  return { value: Number(roundToGrid(value, exponent) + z) * gamma, granularity: gamma };
}
