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
const MAX_EVENTS = 100_000;

/**
 * Throws E_INVALID_ARGUMENT unless `event` (possibly untrusted JSON) is a well-formed event
 * tree; E_LIMIT_EXCEEDED when it is nested too deep or has too many nodes.
 */
export function validateEvent(event: DpEvent): void {
  const counter = { nodes: 0 };
  check(event as unknown, 0, counter);
}

function check(event: unknown, depth: number, counter: { nodes: number }): void {
  const bad = (message: string) => new MlsecError("E_INVALID_ARGUMENT", message);
  if (depth > MAX_DEPTH) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `DP event nested deeper than ${MAX_DEPTH} levels`);
  }
  if (++counter.nodes > MAX_EVENTS) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `DP event tree has more than ${MAX_EVENTS} nodes`);
  }
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw bad("a DP event must be an object with a `type`");
  }
  const e = event as Record<string, unknown>;
  const number = (name: string) => {
    const v = e[name];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw bad(`${String(e.type)} event needs a finite number \`${name}\``);
    }
    return v;
  };
  switch (e.type) {
    case "gaussian":
    case "laplace":
      if (!(number("noiseMultiplier") >= 0)) throw bad(`${e.type} noise multiplier must be >= 0`);
      return;
    case "poisson-sampled": {
      const q = number("samplingRate");
      if (!(q >= 0 && q <= 1)) throw bad(`sampling rate must be in [0, 1], got ${q}`);
      check(e.event, depth + 1, counter);
      return;
    }
    case "self-composed": {
      const count = number("count");
      if (!Number.isSafeInteger(count) || count < 0) {
        throw bad(`composition count must be an integer >= 0, got ${count}`);
      }
      check(e.event, depth + 1, counter);
      return;
    }
    case "composed":
      if (!Array.isArray(e.events)) throw bad("a composed event needs an `events` array");
      for (const child of e.events) check(child, depth + 1, counter);
      return;
    default:
      throw bad(`unknown DP event type ${JSON.stringify(e.type)}`);
  }
}
