// Private selection: the exponential mechanism (McSherry & Talwar 2007), sampled exactly by
// rejection with Bernoulli(exp(-g)) (Canonne, Kamath & Steinke 2020, Alg. 1), and
// report-noisy-max with Laplace noise (Dwork & Roth 2014, §3.3) on exact discrete noise.

import { MlsecError } from "../../core/index.js";
import { bernoulliExpNeg } from "./bernoulli.js";
import { sampleDiscreteLaplace } from "./discrete-laplace.js";
import { type RandomSource, secureRandom } from "./random-source.js";
import { roundToGrid, toRational } from "./rational.js";

/** Bound on candidates: the rejection sampler expects at most n rounds. */
export const MAX_CANDIDATES = 1_000_000;

export interface SelectionOptions {
  /** Privacy budget of the selection (pure epsilon-DP). */
  readonly epsilon: number;
  /** How much one record can change any score. */
  readonly sensitivity: number;
}

function checkScores(scores: readonly number[], options: SelectionOptions): void {
  if (scores.length === 0)
    throw new MlsecError("E_INVALID_ARGUMENT", "no candidates to select from");
  if (scores.length > MAX_CANDIDATES) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `${scores.length} candidates (limit ${MAX_CANDIDATES})`,
    );
  }
  if (!scores.every(Number.isFinite)) throw new MlsecError("E_NON_FINITE", "a score is not finite");
  for (const [name, v] of [
    ["epsilon", options.epsilon],
    ["sensitivity", options.sensitivity],
  ] as const) {
    if (!(v > 0 && Number.isFinite(v))) {
      throw new MlsecError("E_INVALID_ARGUMENT", `${name} must be a finite number > 0, got ${v}`);
    }
  }
}

/**
 * Index i with probability proportional to exp(epsilon * score_i / (2 sensitivity)): propose a
 * uniform candidate and accept it with probability exp(-epsilon (max - score_i) / (2 sens)).
 */
export function exponentialMechanism(
  scores: readonly number[],
  options: SelectionOptions,
  rs: RandomSource = secureRandom,
): number {
  checkScores(scores, options);
  const max = toRational(Math.max(...scores));
  const eps = toRational(options.epsilon);
  const sens = toRational(options.sensitivity);
  const n = BigInt(scores.length);
  for (;;) {
    const i = Number(rs.uniformBelow(n));
    const s = toRational(scores[i]);
    // g = eps (max - s) / (2 sens), exactly.
    const gapNum = max.num * s.den - s.num * max.den;
    const gapDen = max.den * s.den;
    if (bernoulliExpNeg(eps.num * gapNum * sens.den, 2n * eps.den * gapDen * sens.num, rs))
      return i;
  }
}

/**
 * Report-noisy-max: the index of the largest score + Laplace(2 sensitivity / epsilon), with the
 * scores on a grid of width 2^-k and exact discrete Laplace noise there (ties to the lowest index).
 */
export function reportNoisyMax(
  scores: readonly number[],
  options: SelectionOptions,
  rs: RandomSource = secureRandom,
): number {
  checkScores(scores, options);
  const exponent = Math.floor(Math.log2((2 * options.sensitivity) / options.epsilon)) - 40;
  const units = BigInt(Math.floor(options.sensitivity / 2 ** exponent)) + 1n;
  const eps = toRational(options.epsilon);
  let best = -1;
  let bestValue = 0n;
  for (let i = 0; i < scores.length; i++) {
    const noisy =
      roundToGrid(scores[i], exponent) + sampleDiscreteLaplace(2n * units * eps.den, eps.num, rs);
    if (best < 0 || noisy > bestValue) {
      best = i;
      bestValue = noisy;
    }
  }
  return best;
}
