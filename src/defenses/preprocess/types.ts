// The shape every input preprocessor shares: a transform of a batch inside the input bounds.

import type { Rng, Tensor } from "../../core/index.js";

export interface Preprocessor {
  /** Stable name with its parameters, e.g. "bit-depth(1)". */
  readonly name: string;
  /** True when the transform draws randomness (adaptive attacks then need EOT). */
  readonly randomized: boolean;
  /** Transforms a batch [N, ...]; `rng` is used only by randomized preprocessors. */
  apply(x: Tensor, bounds: readonly [number, number], rng: Rng): Tensor;
}
