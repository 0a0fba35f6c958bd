// Metadata mlsec writes into ModelProto.metadata_props besides `mlsec.bounds` (classifier.ts).

import type { ModelProto } from "../ir.js";

/** JSON description of the architecture a model was built from (arch, shapes, widths). */
export const ARCHITECTURE_KEY = "mlsec.architecture";
/** JSON summary of how the model was trained (optimizer, rate, epochs, validation accuracy). */
export const TRAINING_KEY = "mlsec.training";

export const IMAGE_BOUNDS: readonly [number, number] = [0, 1];
export const UNBOUNDED: readonly [number, number] = [-Infinity, Infinity];

/** A copy of the model with the given metadata_props entries set (replacing old values). */
export function withMetadata(
  model: ModelProto,
  entries: Readonly<Record<string, string>>,
): ModelProto {
  const kept = model.metadataProps.filter((p) => p.key === undefined || !(p.key in entries));
  return {
    ...model,
    metadataProps: [...kept, ...Object.entries(entries).map(([key, value]) => ({ key, value }))],
  };
}
