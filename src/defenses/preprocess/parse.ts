// Preprocessor specs as typed on the command line: "bit-depth:1", "median:2", "jpeg:75",
// "gaussian:0.1" (name, colon, parameter).

import { MlsecError } from "../../core/index.js";
import { bitDepth } from "./bit-depth.js";
import { gaussianNoise } from "./gaussian-noise.js";
import { jpegCompression } from "./jpeg.js";
import { medianFilter } from "./median-filter.js";
import type { Preprocessor } from "./types.js";

const FACTORIES: ReadonlyMap<string, (param: number) => Preprocessor> = new Map([
  ["bit-depth", bitDepth],
  ["median", medianFilter],
  ["jpeg", jpegCompression],
  ["gaussian", gaussianNoise],
]);

export const PREPROCESSOR_NAMES = [...FACTORIES.keys()];

export function parsePreprocessor(spec: string): Preprocessor {
  const match = /^([a-z-]+):([0-9]*\.?[0-9]+(?:e-?[0-9]+)?)$/.exec(spec.trim());
  const factory = match === null ? undefined : FACTORIES.get(match[1]);
  if (match === null || factory === undefined) {
    throw new MlsecError(
      "E_USAGE",
      `preprocessor must be NAME:PARAM with NAME one of ${PREPROCESSOR_NAMES.join(", ")}, got "${spec}"`,
      { hint: 'For example "bit-depth:1", "median:2", "jpeg:75" or "gaussian:0.1".' },
    );
  }
  try {
    return factory(Number(match[2]));
  } catch (error) {
    if (error instanceof MlsecError) throw new MlsecError("E_USAGE", error.message);
    throw error;
  }
}
