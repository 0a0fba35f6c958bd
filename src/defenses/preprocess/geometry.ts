// Images as [N, C, H, W] (a per-sample shape [H, W] counts as one channel).

import { MlsecError, type Tensor } from "../../core/index.js";

export interface ImageGeometry {
  readonly n: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export function imageGeometry(x: Tensor, preprocessor: string): ImageGeometry {
  const s = x.shape;
  if (s.length === 4) return { n: s[0], channels: s[1], height: s[2], width: s[3] };
  if (s.length === 3) return { n: s[0], channels: 1, height: s[1], width: s[2] };
  throw new MlsecError(
    "E_SHAPE_MISMATCH",
    `${preprocessor} works on images [N, C, H, W] or [N, H, W]; the input has shape [${s}]`,
    { hint: "Use bit-depth or gaussian preprocessing for tabular data." },
  );
}

/** Finite bounds, which value-quantizing preprocessors need. */
export function finiteBounds(
  bounds: readonly [number, number],
  preprocessor: string,
): readonly [number, number] {
  if (!Number.isFinite(bounds[0]) || !Number.isFinite(bounds[1])) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `${preprocessor} needs finite input bounds, the model has [${bounds}]`,
      { hint: "Pass --bounds lo,hi." },
    );
  }
  return bounds;
}
