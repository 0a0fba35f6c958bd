// Graph builders for the classifier architectures mlsec trains (demo models, adversarial and
// DP training): each returns an ONNX model with He-initialised weights as initializers.

import type { Rng } from "../../core/index.js";
import { MlsecError } from "../../core/index.js";
import type { ModelProto } from "../ir.js";
import { buildCnn } from "./cnn.js";
import { buildMlp } from "./mlp.js";

export { buildCnn, type CnnOptions, INPUT_NAME, LOGITS_NAME } from "./cnn.js";
export { heUniform, zeros } from "./init.js";
export {
  ARCHITECTURE_KEY,
  IMAGE_BOUNDS,
  TRAINING_KEY,
  UNBOUNDED,
  withMetadata,
} from "./metadata.js";
export { buildMlp, type MlpOptions } from "./mlp.js";

export const ARCHITECTURES = ["cnn", "mlp"] as const;
export type ArchitectureName = (typeof ARCHITECTURES)[number];

export interface ArchitectureOptions {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly rng: Rng;
  /** Hidden widths: the mlp's layers, or the cnn's one fully-connected layer. */
  readonly hidden?: readonly number[];
  /** Valid input range; ±Infinity for unbounded (written as null in `mlsec.bounds`). */
  readonly bounds: readonly [number, number];
}

/** Builds a fresh, randomly initialised model of the named architecture. */
export function buildArchitecture(
  name: ArchitectureName,
  options: ArchitectureOptions,
): ModelProto {
  switch (name) {
    case "cnn": {
      if (options.hidden !== undefined && options.hidden.length !== 1) {
        throw new MlsecError(
          "E_INVALID_ARGUMENT",
          `the cnn has exactly one hidden fully-connected layer; got ${options.hidden.length} widths`,
        );
      }
      return buildCnn({ ...options, hidden: options.hidden?.[0] });
    }
    case "mlp":
      return buildMlp(options);
    default:
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `unknown architecture "${name as string}"; choose one of ${ARCHITECTURES.join(", ")}`,
      );
  }
}
