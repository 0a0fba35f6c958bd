// DP events as plain, serialisable data, after dp_accounting's dp_event.py: mechanisms compose
// into trees that accountants consume. Every event carries a `type` discriminant.

import { MlsecError } from "../../core/index.js";

/** Gaussian noise of standard deviation `noiseMultiplier` x the L2 sensitivity. */
export interface GaussianEvent {
  readonly type: "gaussian";
  readonly noiseMultiplier: number;
}

/** Laplace noise of scale `noiseMultiplier` x the L1 sensitivity. */
export interface LaplaceEvent {
  readonly type: "laplace";
  readonly noiseMultiplier: number;
}

/** The inner event run on a Poisson subsample: each record is kept with probability q. */
export interface PoissonSampledEvent {
  readonly type: "poisson-sampled";
  readonly samplingRate: number;
  readonly event: DpEvent;
}

export interface SelfComposedEvent {
  readonly type: "self-composed";
  readonly count: number;
  readonly event: DpEvent;
}

export interface ComposedEvent {
  readonly type: "composed";
  readonly events: readonly DpEvent[];
}

export type DpEvent =
  | GaussianEvent
  | LaplaceEvent
  | PoissonSampledEvent
  | SelfComposedEvent
  | ComposedEvent;

/** The DP-SGD event: `steps` rounds of the Poisson-subsampled Gaussian mechanism. */
export function dpSgdEvent(samplingRate: number, noiseMultiplier: number, steps: number): DpEvent {
  return {
    type: "self-composed",
    count: steps,
    event: {
      type: "poisson-sampled",
      samplingRate,
      event: { type: "gaussian", noiseMultiplier },
    },
  };
}

const MAX_DEPTH = 64;

/** Throws E_INVALID_ARGUMENT unless the event tree is well formed (and not too deep). */
export function validateEvent(event: DpEvent, depth = 0): void {
  if (depth > MAX_DEPTH) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `DP event nested deeper than ${MAX_DEPTH} levels`);
  }
  const bad = (message: string) => new MlsecError("E_INVALID_ARGUMENT", message);
  switch (event.type) {
    case "gaussian":
    case "laplace":
      if (!(event.noiseMultiplier >= 0) || !Number.isFinite(event.noiseMultiplier)) {
        throw bad(`${event.type} noise multiplier must be finite and >= 0`);
      }
      return;
    case "poisson-sampled":
      if (!(event.samplingRate >= 0 && event.samplingRate <= 1)) {
        throw bad(`sampling rate must be in [0, 1], got ${event.samplingRate}`);
      }
      validateEvent(event.event, depth + 1);
      return;
    case "self-composed":
      if (!Number.isSafeInteger(event.count) || event.count < 0) {
        throw bad(`composition count must be an integer >= 0, got ${event.count}`);
      }
      validateEvent(event.event, depth + 1);
      return;
    case "composed":
      for (const e of event.events) validateEvent(e, depth + 1);
      return;
    default:
      throw bad(`unknown DP event type ${JSON.stringify((event as { type: unknown }).type)}`);
  }
}
