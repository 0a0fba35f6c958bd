// The one result shape every evasion attack returns, and the options they share.

import type { ProgressListener, Rng, Tensor } from "../../core/index.js";

export type NormKind = "inf" | "2" | "1";

export interface PerturbationNorms {
  readonly l0: Float32Array;
  readonly l2: Float32Array;
  readonly linf: Float32Array;
}

export interface AttackResult {
  /** Adversarial examples, already clipped to the epsilon ball and the input bounds. */
  readonly adversarial: Tensor;
  /** 1 where the attack succeeded (misclassified, or the target class reached). */
  readonly success: Uint8Array;
  /** Norms of adversarial − clean, per sample. */
  readonly norms: PerturbationNorms;
  /** Model queries (forward or forward+backward passes) spent per sample. */
  readonly queries: Int32Array;
}

export interface AttackContext {
  readonly rng: Rng;
  readonly onProgress?: ProgressListener;
  /** Samples per model call. */
  readonly batchSize?: number;
}

/** Goal of the attack for each sample: move away from `labels`, or toward `targets`. */
export interface AttackGoal {
  readonly labels: Int32Array;
  /** When set, the attack is targeted: success means predicting targets[i]. */
  readonly targets?: Int32Array;
}
