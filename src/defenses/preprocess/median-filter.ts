// Median smoothing over a k×k window per channel: the second squeezer of Xu et al. (NDSS 2018,
// §IV-B; 2×2 on MNIST) and the "spatial smoothing" defence of ART. Windows are anchored as in
// scipy.ndimage.median_filter (even sizes lean to the top-left), with edges reflected.

import { MlsecError, type Tensor } from "../../core/index.js";
import { imageGeometry } from "./geometry.js";
import type { Preprocessor } from "./types.js";

/** Reflects an index into [0, size) the way scipy's "reflect" mode does (d c b a | a b c d). */
function reflect(i: number, size: number): number {
  let j = i;
  while (j < 0 || j >= size) j = j < 0 ? -j - 1 : 2 * size - j - 1;
  return j;
}

export function medianFilter(window: number): Preprocessor {
  if (!Number.isInteger(window) || window < 2 || window > 15) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `median window must be an integer in [2, 15], got ${window}`,
    );
  }
  const name = `median(${window}x${window})`;
  const before = Math.floor(window / 2);
  return {
    name,
    randomized: false,
    apply(x: Tensor): Tensor {
      const { n, channels, height, width } = imageGeometry(x, name);
      const out = new Float32Array(x.data.length);
      const values = new Float32Array(window * window);
      const mid = Math.floor((window * window) / 2);
      for (let plane = 0; plane < n * channels; plane++) {
        const base = plane * height * width;
        for (let r = 0; r < height; r++) {
          for (let c = 0; c < width; c++) {
            let k = 0;
            for (let dr = -before; dr < window - before; dr++) {
              const rr = reflect(r + dr, height);
              for (let dc = -before; dc < window - before; dc++) {
                values[k++] = x.data[base + rr * width + reflect(c + dc, width)];
              }
            }
            values.sort();
            out[base + r * width + c] = values[mid];
          }
        }
      }
      return { shape: [...x.shape], data: out };
    },
  };
}
