// How much work each audit profile does. ε values are fractions of the model's input range.

export interface AuditProfile {
  /** Test samples attacked by FGSM and PGD. */
  readonly samples: number;
  readonly eps: readonly number[];
  readonly pgdSteps: number;
  /** PGD random restarts (0 = start from the clean input). */
  readonly pgdRandomInit: number;
  /** Samples attacked by Square, its query budget, and the ε it runs at. */
  readonly squareSamples: number;
  readonly squareQueries: number;
  readonly squareEps: readonly number[];
  /** Members and non-members scored by the membership-inference audit. */
  readonly membershipRows: number;
  /** Samples whose attributions are averaged for the global explanation of image models. */
  readonly explainSamples: number;
}

/** The budget at which robustness is judged: ε = 0.1 in L∞ on [0, 1] inputs (scaled to the bounds). */
export const JUDGED_EPS = 0.1;

export const PROFILES: Readonly<Record<"quick" | "standard" | "thorough", AuditProfile>> = {
  quick: {
    samples: 200,
    eps: [0.02, 0.05, 0.1, 0.2],
    pgdSteps: 10,
    pgdRandomInit: 0,
    squareSamples: 100,
    squareQueries: 300,
    squareEps: [JUDGED_EPS],
    membershipRows: 500,
    explainSamples: 4,
  },
  standard: {
    samples: 1000,
    eps: [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3],
    pgdSteps: 40,
    pgdRandomInit: 0,
    squareSamples: 200,
    squareQueries: 1000,
    squareEps: [0.05, 0.1, 0.2],
    membershipRows: 2000,
    explainSamples: 16,
  },
  thorough: {
    samples: 10_000,
    eps: [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3],
    pgdSteps: 100,
    pgdRandomInit: 2,
    squareSamples: 1000,
    squareQueries: 5000,
    squareEps: [0.05, 0.1, 0.2, 0.3],
    membershipRows: 10_000,
    explainSamples: 64,
  },
};
