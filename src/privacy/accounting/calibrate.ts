// The inverse problem: the smallest noise multiplier whose composed epsilon meets a target, by
// bisection (epsilon falls monotonically as the noise multiplier grows).

import { MlsecError } from "../../core/index.js";
import type { AccountantKind, PrivacyAccountant } from "./accountant.js";
import { dpSgdEvent } from "./events.js";
import { PldAccountant } from "./pld-accountant.js";
import { RdpAccountant } from "./rdp-accountant.js";
import type { Conversion } from "./rdp-conversion.js";

export interface AccountantOptions {
  readonly conversion?: Conversion;
  readonly orders?: readonly number[];
  readonly interval?: number;
}

export function createAccountant(
  kind: AccountantKind,
  options: AccountantOptions = {},
): PrivacyAccountant {
  if (kind === "rdp") {
    return new RdpAccountant({ conversion: options.conversion, orders: options.orders });
  }
  return new PldAccountant({ interval: options.interval });
}

export interface NoiseSearch extends AccountantOptions {
  readonly targetEpsilon: number;
  readonly delta: number;
  readonly samplingRate: number;
  readonly steps: number;
  readonly accountant?: AccountantKind;
  /** Relative width of the final bracket; default 1e-4 (RDP) or 1e-3 (PLD, slower per step). */
  readonly tolerance?: number;
}

export interface NoiseResult {
  readonly noiseMultiplier: number;
  /** Epsilon reached at that noise multiplier (<= the target). */
  readonly epsilon: number;
  readonly delta: number;
  readonly accountant: AccountantKind;
}

const MAX_SIGMA = 1e4;

/** The smallest noise multiplier (to within `tolerance`) with epsilon <= targetEpsilon. */
export function noiseMultiplierFor(search: NoiseSearch): NoiseResult {
  const { targetEpsilon, delta, samplingRate, steps } = search;
  const kind = search.accountant ?? "rdp";
  if (!(targetEpsilon > 0 && Number.isFinite(targetEpsilon))) {
    throw new MlsecError("E_INVALID_ARGUMENT", `target epsilon must be > 0, got ${targetEpsilon}`);
  }
  if (!(samplingRate > 0 && samplingRate <= 1)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `sampling rate must be in (0, 1], got ${samplingRate}`,
    );
  }
  if (!Number.isSafeInteger(steps) || steps < 1) {
    throw new MlsecError("E_INVALID_ARGUMENT", `steps must be an integer >= 1, got ${steps}`);
  }
  const epsilonAt = (sigma: number, k: AccountantKind) =>
    createAccountant(k, search)
      .compose(dpSgdEvent(samplingRate, sigma, steps))
      .getEpsilon(delta).epsilon;

  // RDP first (cheap). Its answer brackets PLD's from above: PLD's epsilon never exceeds RDP's.
  let hi = 1;
  while (epsilonAt(hi, "rdp") > targetEpsilon) {
    hi *= 2;
    if (hi > MAX_SIGMA) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `no noise multiplier up to ${MAX_SIGMA} reaches epsilon ${targetEpsilon}`,
        { hint: "Raise the target epsilon or delta, or lower the sampling rate or steps." },
      );
    }
  }
  const rdp = solve(
    (sigma) => epsilonAt(sigma, "rdp"),
    targetEpsilon,
    hi,
    0.5,
    search.tolerance ?? 1e-4,
  );
  if (kind === "rdp") return { ...rdp, delta, accountant: "rdp" };
  const pld = solve(
    (sigma) => epsilonAt(sigma, "pld"),
    targetEpsilon,
    rdp.noiseMultiplier,
    0.9,
    search.tolerance ?? 1e-3,
  );
  return { ...pld, delta, accountant: "pld" };
}

/**
 * The smallest sigma <= start (to relative `tolerance`) with eps(sigma) <= target, given
 * eps(start) <= target and eps decreasing. Brackets by shrinking with `factor`, then runs the
 * Illinois-modified regula falsi (superlinear, keeps the bracket), falling back to bisection.
 */
function solve(
  eps: (sigma: number) => number,
  target: number,
  start: number,
  factor: number,
  tolerance: number,
): { noiseMultiplier: number; epsilon: number } {
  let hi = start;
  let hiEpsilon = eps(hi);
  let lo = hi * factor;
  let loEpsilon = eps(lo);
  while (lo > 1e-3 && loEpsilon <= target) {
    hi = lo;
    hiEpsilon = loEpsilon;
    lo *= factor;
    loEpsilon = eps(lo);
  }
  if (loEpsilon <= target) return { noiseMultiplier: lo, epsilon: loEpsilon };
  let fLo = Math.min(loEpsilon, 1e6) - target;
  let fHi = hiEpsilon - target;
  let side = 0;
  for (let i = 0; i < 100 && (hi - lo) / hi > tolerance; i++) {
    let mid = hi - (fHi * (hi - lo)) / (fHi - fLo);
    const margin = 0.01 * tolerance * hi;
    if (!(mid > lo + margin && mid < hi - margin)) mid = (lo + hi) / 2;
    const e = eps(mid);
    if (e <= target) {
      hi = mid;
      hiEpsilon = e;
      fHi = e - target;
      if (side === 1) fLo /= 2;
      side = 1;
    } else {
      lo = mid;
      fLo = Math.min(e, 1e6) - target;
      if (side === -1) fHi /= 2;
      side = -1;
    }
  }
  return { noiseMultiplier: hi, epsilon: hiEpsilon };
}
