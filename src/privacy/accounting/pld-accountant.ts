// PLD accountant (Koskela et al. 2020; Doroshenko et al. 2022; after dp_accounting's
// pld_privacy_accountant.py): one pessimistic discrete PLD per direction of the add/remove
// relation, composed by FFT convolution; epsilon and delta are the worse of the two directions.

import { MlsecError } from "../../core/index.js";
import {
  checkComposable,
  type EpsilonResult,
  type PrivacyAccountant,
  type SupportResult,
} from "./accountant.js";
import type { DpEvent } from "./events.js";
import {
  composePld,
  type DiscretePld,
  identityPld,
  infinitePld,
  pldDelta,
  pldEpsilon,
  pldFromCurve,
  selfComposePld,
} from "./pld.js";
import {
  gaussianCurve,
  laplaceCurve,
  sampledGaussianAddCurve,
  sampledGaussianRemoveCurve,
} from "./pld-curves.js";

export interface PldAccountantOptions {
  /** Width of a loss bucket; smaller is tighter and slower. Default 1e-4. */
  readonly interval?: number;
  /** Tail mass left out of each mechanism's discretization (moved to +infinity). Default 1e-16. */
  readonly tail?: number;
  /**
   * Mass each composition may move to an end (pessimistically), default 1e-12: it must exceed
   * the FFT's round-off floor or the support never shrinks back.
   */
  readonly truncation?: number;
}

interface PldPair {
  readonly remove: DiscretePld;
  readonly add: DiscretePld;
}

/** The noise multiplier of a Gaussian event that samples nothing away (q = 1), if it is one. */
function unsampledGaussian(event: DpEvent): number | undefined {
  if (event.type === "gaussian") return event.noiseMultiplier;
  if (event.type === "poisson-sampled" && event.samplingRate === 1)
    return unsampledGaussian(event.event);
  return undefined;
}

export const DEFAULT_PLD_INTERVAL = 1e-4;
const DEFAULT_TAIL = 1e-16;
const DEFAULT_TRUNCATION = 1e-12;

export class PldAccountant implements PrivacyAccountant {
  readonly kind = "pld" as const;
  readonly interval: number;
  private readonly tail: number;
  private readonly truncation: number;
  private state: PldPair;

  constructor(options: PldAccountantOptions = {}) {
    this.interval = options.interval ?? DEFAULT_PLD_INTERVAL;
    this.tail = options.tail ?? DEFAULT_TAIL;
    this.truncation = options.truncation ?? DEFAULT_TRUNCATION;
    if (!(this.interval > 0 && this.interval <= 1)) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `PLD interval must be in (0, 1], got ${this.interval}`,
      );
    }
    for (const [name, v] of [
      ["tail", this.tail],
      ["truncation", this.truncation],
    ] as const) {
      if (!(v > 0 && v < 1e-6)) {
        throw new MlsecError("E_INVALID_ARGUMENT", `PLD ${name} must be in (0, 1e-6), got ${v}`);
      }
    }
    const id = identityPld(this.interval);
    this.state = { remove: id, add: id };
  }

  supports(event: DpEvent): SupportResult {
    switch (event.type) {
      case "gaussian":
      case "laplace":
        return { ok: true };
      case "poisson-sampled":
        return event.event.type === "gaussian"
          ? { ok: true }
          : {
              ok: false,
              reason: "the PLD accountant supports Poisson sampling of the Gaussian mechanism only",
              event,
            };
      case "self-composed":
        return this.supports(event.event);
      case "composed":
        for (const e of event.events) {
          const r = this.supports(e);
          if (!r.ok) return r;
        }
        return { ok: true };
    }
  }

  compose(event: DpEvent, count = 1): this {
    checkComposable(this, event, count);
    const pair = this.pairOf({ type: "self-composed", count, event });
    this.state = this.combine(this.state, pair);
    return this;
  }

  private combine(a: PldPair, b: PldPair): PldPair {
    const t = this.truncation;
    const remove = composePld(a.remove, b.remove, t);
    const add = a.add === a.remove && b.add === b.remove ? remove : composePld(a.add, b.add, t);
    return { remove, add };
  }

  private symmetric(pld: DiscretePld): PldPair {
    return { remove: pld, add: pld };
  }

  private pairOf(event: DpEvent): PldPair {
    const { interval, tail } = this;
    switch (event.type) {
      case "gaussian":
        return this.symmetric(
          event.noiseMultiplier === 0
            ? infinitePld(interval)
            : pldFromCurve(gaussianCurve(event.noiseMultiplier), interval, tail),
        );
      case "laplace":
        return this.symmetric(
          event.noiseMultiplier === 0
            ? infinitePld(interval)
            : pldFromCurve(laplaceCurve(event.noiseMultiplier), interval, tail),
        );
      case "poisson-sampled": {
        const q = event.samplingRate;
        const sigma = (event.event as { noiseMultiplier: number }).noiseMultiplier;
        if (q === 0) return this.symmetric(identityPld(interval));
        if (q === 1 || sigma === 0) return this.pairOf(event.event);
        return {
          remove: pldFromCurve(sampledGaussianRemoveCurve(q, sigma), interval, tail),
          add: pldFromCurve(sampledGaussianAddCurve(q, sigma), interval, tail),
        };
      }
      case "self-composed": {
        if (event.count === 0) return this.symmetric(identityPld(interval));
        // T Gaussian mechanisms compose exactly to one with sigma / sqrt(T): discretize once.
        const g = unsampledGaussian(event.event);
        if (g !== undefined && g > 0) {
          return this.pairOf({ type: "gaussian", noiseMultiplier: g / Math.sqrt(event.count) });
        }
        const inner = this.pairOf(event.event);
        const t = this.truncation;
        const remove = selfComposePld(inner.remove, event.count, t);
        const add = inner.add === inner.remove ? remove : selfComposePld(inner.add, event.count, t);
        return { remove, add };
      }
      case "composed": {
        let acc = this.symmetric(identityPld(interval));
        for (const e of event.events) acc = this.combine(acc, this.pairOf(e));
        return acc;
      }
    }
  }

  getEpsilon(delta: number): EpsilonResult {
    if (!(delta > 0 && delta < 1)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `delta must be in (0, 1), got ${delta}`);
    }
    const epsilon = Math.max(
      pldEpsilon(this.state.remove, delta),
      pldEpsilon(this.state.add, delta),
    );
    return { epsilon, delta, accountant: "pld" };
  }

  getDelta(epsilon: number): number {
    if (!(epsilon >= 0)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `epsilon must be >= 0, got ${epsilon}`);
    }
    return Math.max(pldDelta(this.state.remove, epsilon), pldDelta(this.state.add, epsilon));
  }
}
