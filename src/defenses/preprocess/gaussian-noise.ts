// Gaussian augmentation at prediction time (Zantedeschi, Nicolae & Rawat, "Efficient Defenses
// Against Adversarial Attacks", AISec 2017; ART's GaussianAugmentation with apply_predict):
// x + N(0, sigma^2) per value, clipped to the input bounds. Randomized, so attacks need EOT.

import { MlsecError, type Rng, type Tensor } from "../../core/index.js";
import type { Preprocessor } from "./types.js";

export function gaussianNoise(sigma: number): Preprocessor {
  if (!(sigma > 0) || !Number.isFinite(sigma)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `noise sigma must be a finite number > 0, got ${sigma}`,
    );
  }
  return {
    name: `gaussian(${sigma})`,
    randomized: true,
    apply(x: Tensor, bounds: readonly [number, number], rng: Rng): Tensor {
      const [lo, hi] = bounds;
      const out = new Float32Array(x.data.length);
      for (let i = 0; i < out.length; i++) {
        out[i] = Math.min(hi, Math.max(lo, x.data[i] + sigma * rng.normal()));
      }
      return { shape: [...x.shape], data: out };
    },
  };
}
