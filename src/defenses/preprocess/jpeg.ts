// JPEG compression as an input transformation (Dziugaite et al. 2016; Guo et al., "Countering
// Adversarial Images using Input Transformations", ICLR 2018): each image is encoded at a
// quality level and decoded again with the jpeg-js baseline codec (ITU-T T.81).

import jpeg from "jpeg-js";
import { MlsecError, type Tensor } from "../../core/index.js";
import { finiteBounds, imageGeometry } from "./geometry.js";
import type { Preprocessor } from "./types.js";

export function jpegCompression(quality: number): Preprocessor {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `JPEG quality must be an integer in [1, 100], got ${quality}`,
    );
  }
  const name = `jpeg(${quality})`;
  return {
    name,
    randomized: false,
    apply(x: Tensor, bounds: readonly [number, number]): Tensor {
      const { n, channels, height, width } = imageGeometry(x, name);
      if (channels !== 1 && channels !== 3) {
        throw new MlsecError("E_SHAPE_MISMATCH", `${name} needs 1 or 3 channels, got ${channels}`);
      }
      const [lo, hi] = finiteBounds(bounds, name);
      const scale = 255 / (hi - lo);
      const plane = height * width;
      const out = new Float32Array(x.data.length);
      const rgba = new Uint8Array(plane * 4);
      for (let i = 0; i < n; i++) {
        const base = i * channels * plane;
        for (let p = 0; p < plane; p++) {
          for (let c = 0; c < 3; c++) {
            const v = x.data[base + (channels === 1 ? 0 : c) * plane + p];
            rgba[p * 4 + c] = Math.min(255, Math.max(0, Math.round((v - lo) * scale)));
          }
          rgba[p * 4 + 3] = 255;
        }
        const encoded = jpeg.encode({ data: rgba, width, height }, quality);
        const decoded = jpeg.decode(encoded.data, { useTArray: true, formatAsRGBA: true });
        for (let p = 0; p < plane; p++) {
          if (channels === 1) {
            // The encoder stores gray as equal R, G, B; their mean undoes chroma rounding.
            const d = decoded.data;
            out[base + p] = lo + (d[p * 4] + d[p * 4 + 1] + d[p * 4 + 2]) / 3 / scale;
          } else {
            for (let c = 0; c < 3; c++)
              out[base + c * plane + p] = lo + decoded.data[p * 4 + c] / scale;
          }
        }
      }
      return { shape: [...x.shape], data: out };
    },
  };
}
