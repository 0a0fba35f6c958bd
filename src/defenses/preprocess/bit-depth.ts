// Bit-depth reduction, the first feature squeezer of Xu, Evans & Qi, "Feature Squeezing:
// Detecting Adversarial Examples in Deep Neural Networks" (NDSS 2018), §IV-A: each value,
// scaled to [0, 1], is rounded to 2^bits − 1 levels.

import { MlsecError, type Tensor } from "../../core/index.js";
import { finiteBounds } from "./geometry.js";
import type { Preprocessor } from "./types.js";

export function bitDepth(bits: number): Preprocessor {
  if (!Number.isInteger(bits) || bits < 1 || bits > 16) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `bit depth must be an integer in [1, 16], got ${bits}`,
    );
  }
  const levels = 2 ** bits - 1;
  const name = `bit-depth(${bits})`;
  return {
    name,
    randomized: false,
    apply(x: Tensor, bounds: readonly [number, number]): Tensor {
      const [lo, hi] = finiteBounds(bounds, name);
      const range = hi - lo;
      const out = new Float32Array(x.data.length);
      for (let i = 0; i < out.length; i++) {
        const unit = Math.min(1, Math.max(0, (x.data[i] - lo) / range));
        out[i] = lo + (Math.round(unit * levels) / levels) * range;
      }
      return { shape: [...x.shape], data: out };
    },
  };
}
