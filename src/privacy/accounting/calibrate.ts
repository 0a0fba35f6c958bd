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
  const tolerance = search.tolerance ?? (kind === "rdp" ? 1e-4 : 1e-3);
  const epsilonAt = (sigma: number, k: AccountantKind) =>
    createAccountant(k, search)
      .compose(dpSgdEvent(samplingRate, sigma, steps))
      .getEpsilon(delta).epsilon;

  // RDP brackets both searches: PLD's epsilon never exceeds RDP's, so RDP's sigma is enough.
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
  let lo = hi / 2;
  while (lo > 1e-3 && epsilonAt(lo, kind) <= targetEpsilon) {
    hi = lo;
    lo /= 2;
  }
  let hiEpsilon = kind === "rdp" ? epsilonAt(hi, kind) : Number.NaN;
  while ((hi - lo) / hi > tolerance) {
    const mid = (lo + hi) / 2;
    const eps = epsilonAt(mid, kind);
    if (eps <= targetEpsilon) {
      hi = mid;
      hiEpsilon = eps;
    } else {
      lo = mid;
    }
  }
  if (Number.isNaN(hiEpsilon)) hiEpsilon = epsilonAt(hi, kind);
  return { noiseMultiplier: hi, epsilon: hiEpsilon, delta, accountant: kind };
}
